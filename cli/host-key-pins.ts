import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Command } from "commander";
import { NcmError } from "../core/errors.ts";
import {
  closeNats,
  connectNats,
  displayServers,
  type NatsOptions,
} from "../core/nats/connect.ts";
import { openHostKeys } from "../core/nats/resources.ts";
import type { DeviceSpec } from "../inventory/types.ts";
import { pinServerUnreachable } from "../reconciler/drivers/host-keys/host-key-errors.ts";
import type { HostKeyPins } from "../reconciler/drivers/host-keys/pinned-host-key-verifier.ts";
import { natsOptions, replicas, serverGiven } from "./context.ts";
import { operator } from "./operator.ts";

const CLIENT_NAME = "ncm-cli";

/**
 * How long an unnamed default server gets to answer. A server the user
 * named gets the client's usual patience; the default one is only tried.
 */
const DEFAULT_SERVER_TIMEOUT_MS = 2_000;

/**
 * Runs `use` with the pinned host keys a `host_key: pin` device is checked
 * against (nothing for other policies). Commands that go straight to a
 * device over SSH have no NATS server of their own: without --server the
 * default URL is tried, as every other command does, and when nothing
 * answers there the command fails saying what to do, rather than trusting
 * a key nobody can check later.
 */
export async function withHostKeyPins(
  command: Command,
  spec: DeviceSpec,
  use: (pins: HostKeyPins | undefined) => Promise<void>,
): Promise<void> {
  if (spec.hostKeyPolicy !== "pin") {
    await use(undefined);
    return;
  }
  const named = serverGiven(command);
  const options = natsOptions(command, CLIENT_NAME);
  const nc: NatsConnection = named
    ? await connectNats(options)
    : await connectNats({
        ...options,
        connectTimeoutMs: DEFAULT_SERVER_TIMEOUT_MS,
      }).catch((err: unknown) => {
        throw unreachable(spec, options.servers, err);
      });
  try {
    const bucket = await openPins(nc, command, spec, named ? null : options);
    await use({ bucket, by: operator() });
  } finally {
    await closeNats(nc);
  }
}

/**
 * The `hostkeys` bucket. A default server (`tried`) that answers but
 * cannot hold it (no JetStream, no permission) fails as one that does
 * not answer: the user did not choose it.
 */
async function openPins(
  nc: NatsConnection,
  command: Command,
  spec: DeviceSpec,
  tried: NatsOptions | null,
): Promise<KV> {
  try {
    return await openHostKeys(nc, { replicas: replicas(command) });
  } catch (err) {
    throw tried === null ? err : unreachable(spec, tried.servers, err);
  }
}

function unreachable(
  spec: DeviceSpec,
  servers: readonly string[],
  err: unknown,
): NcmError {
  // A connect error names the server again; its cause says what failed.
  const cause =
    err instanceof NcmError && err.cause instanceof Error ? err.cause : err;
  return pinServerUnreachable(
    { device: spec.name, host: spec.host, port: spec.port },
    displayServers(servers),
    cause,
  );
}
