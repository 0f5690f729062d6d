import { readFile } from "node:fs/promises";
import { credsAuthenticator, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { NcmError } from "../errors.ts";
import type { Logger } from "../log.ts";

/** How to reach NATS; secrets in here are never logged. */
export interface NatsOptions {
  /** One or more URLs (`--server` accepts a comma-separated list). */
  servers: string[];
  creds?: string;
  user?: string;
  password?: string;
  /** Connection name shown by `nats server report connections`. */
  name?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

export const DEFAULT_SERVER = "nats://127.0.0.1:4222";

/** Splits `--server a,b` into URLs, dropping blanks. */
export function parseServers(value: string | undefined): string[] {
  const servers = (value ?? DEFAULT_SERVER)
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return servers.length > 0 ? servers : [DEFAULT_SERVER];
}

/**
 * Connects and keeps reconnecting forever: a minion outlives any NATS
 * outage. Connection state changes are logged without credentials.
 */
export async function connectNats(
  options: NatsOptions,
  log?: Logger,
): Promise<NatsConnection> {
  const authenticator =
    options.creds === undefined
      ? undefined
      : credsAuthenticator(await readCreds(options.creds));
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.servers,
      name: options.name,
      user: options.user,
      pass: options.password,
      authenticator,
      tls: options.tls,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      waitOnFirstConnect: false,
    });
  } catch (err) {
    throw new NcmError(
      "nats",
      "NATS_CONNECT",
      `cannot connect to NATS at ${options.servers.join(",")}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (log !== undefined) {
    void logStatus(nc, log);
  }
  return nc;
}

async function readCreds(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new NcmError(
      "input",
      "NATS_CREDS",
      `cannot read NATS credentials file ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`,
      { cause: err },
    );
  }
}

async function logStatus(nc: NatsConnection, log: Logger): Promise<void> {
  for await (const status of nc.status()) {
    switch (status.type) {
      case "disconnect":
        log.warn(
          { event: "nats-disconnected", server: status.server },
          "NATS connection lost",
        );
        break;
      case "reconnect":
        log.info(
          { event: "nats-reconnected", server: status.server },
          "NATS connection restored",
        );
        break;
      case "error":
        log.warn(
          { event: "nats-error", err: status.error.message },
          "NATS error",
        );
        break;
      default:
        break;
    }
  }
}
