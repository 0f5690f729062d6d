import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
} from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { NcmError } from "../core/errors.ts";

/**
 * Opens a KV bucket only when it exists. Read-only commands use this
 * instead of the create-or-open helpers: looking must not create
 * resources, and a missing bucket simply means nothing was written yet.
 */
export async function openExistingBucket(
  nc: NatsConnection,
  bucket: string,
): Promise<KV | null> {
  if (!(await streamExists(nc, `KV_${bucket}`))) {
    return null;
  }
  return await new Kvm(nc).open(bucket);
}

/** True when the JetStream stream exists; false when it was never made. */
export async function streamExists(
  nc: NatsConnection,
  stream: string,
): Promise<boolean> {
  const jsm = await manager(nc);
  try {
    await jsm.streams.info(stream);
    return true;
  } catch (err) {
    if (
      err instanceof JetStreamApiError &&
      err.code === JetStreamApiCodes.StreamNotFound
    ) {
      return false;
    }
    throw jetStreamError(`look up stream ${stream}`, err);
  }
}

async function manager(nc: NatsConnection): Promise<JetStreamManager> {
  try {
    return await jetstreamManager(nc);
  } catch (err) {
    throw jetStreamError("reach JetStream (is it enabled on the server?)", err);
  }
}

/** Wraps a JetStream failure, keeping the original as cause. */
export function jetStreamError(what: string, err: unknown): NcmError {
  if (err instanceof NcmError) {
    return err;
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new NcmError("nats", "NATS_RESOURCE", `cannot ${what}: ${reason}`, {
    cause: err,
  });
}
