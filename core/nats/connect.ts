import { access, constants, readFile } from "node:fs/promises";
import {
  AuthorizationError,
  credsAuthenticator,
  type NatsConnection,
} from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { NcmError, UsageError } from "../errors.ts";
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
  /** How long the first connect may take; the client's default otherwise. */
  connectTimeoutMs?: number;
  /**
   * Subject prefix of this connection's reply inboxes, `_INBOX` by
   * default. With one prefix per NATS user, and permissions that let each
   * user subscribe to its own alone, no user can read another's replies.
   */
  inboxPrefix?: string;
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
  checkInboxPrefix(options.inboxPrefix);
  const authenticator =
    options.creds === undefined
      ? undefined
      : credsAuthenticator(await readCreds(options.creds));
  await checkTlsFiles(options.tls);
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
      timeout: options.connectTimeoutMs,
      // Each request would otherwise capture a stack trace (two Error
      // objects) up front, in case it fails: a tenth of a minion's CPU
      // when a hundred devices change at once. Our errors say what failed.
      noAsyncTraces: true,
      ...(options.inboxPrefix === undefined
        ? {}
        : { inboxPrefix: options.inboxPrefix }),
    });
  } catch (err) {
    throw connectFailure(err, options);
  }
  if (log !== undefined) {
    void logStatus(nc, log);
  }
  return nc;
}

/**
 * Server URLs as they may be shown: a password written into a URL
 * (`nats://user:pw@host`) is replaced and the user name kept; a token
 * (`nats://token@host`) is replaced whole. The host never holds an `@`,
 * so the last one ends the credentials, whatever characters they hold.
 */
export function displayServers(servers: readonly string[]): string {
  return servers.map(displayServer).join(",");
}

function displayServer(url: string): string {
  const start = url.indexOf("//") + 2;
  const at = url.lastIndexOf("@");
  if (start < 2 || at < start) {
    return url;
  }
  const credentials = url.slice(start, at);
  const colon = credentials.indexOf(":");
  const shown = colon < 0 ? "***" : `${credentials.slice(0, colon)}:***`;
  return `${url.slice(0, start)}${shown}${url.slice(at)}`;
}

/** How long a closing connection may take to flush before it is cut. */
const CLOSE_DEADLINE_MS = 2_000;

/**
 * Drains the connection, so replies and writes in flight are sent, but
 * gives up after a deadline: with the server gone a drain waits on a
 * flush that cannot happen, and Ctrl-C must still end the process.
 */
export async function closeNats(
  nc: NatsConnection,
  deadlineMs = CLOSE_DEADLINE_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), deadlineMs);
  });
  try {
    const result = await Promise.race([nc.drain(), deadline]);
    if (result === "late") {
      await nc.close();
    }
  } catch {
    await nc.close().catch(() => undefined);
  } finally {
    clearTimeout(timer);
  }
}

/** Node's codes for a server certificate it could not verify. */
const TLS_CODE = /CERT|SIGNATURE|^ERR_TLS_|^ERR_SSL_/;

/**
 * Says what failed without the credentials: refused credentials and an
 * unverifiable certificate get codes of their own and are not retried.
 */
function connectFailure(err: unknown, options: NatsOptions): NcmError {
  const where = displayServers(options.servers);
  const reason = err instanceof Error ? err.message : String(err);
  if (err instanceof AuthorizationError) {
    return new NcmError(
      "authentication",
      "NATS_AUTH",
      `NATS at ${where} refused ${credentialsUsed(options)} (${reason}); check --user and --password, or --creds`,
      { cause: err, retryable: false },
    );
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && TLS_CODE.test(code)) {
    return new NcmError(
      "nats",
      "NATS_TLS",
      `cannot connect to NATS at ${where}: its TLS certificate was not accepted (${reason}); name the CA that signed it with --tls-ca`,
      { cause: err, retryable: false, details: { tlsCode: code } },
    );
  }
  return new NcmError(
    "nats",
    "NATS_CONNECT",
    `cannot connect to NATS at ${where}: ${reason}`,
    { cause: err },
  );
}

function credentialsUsed(options: NatsOptions): string {
  if (options.creds !== undefined) {
    return `the credentials in ${options.creds}`;
  }
  if (options.user !== undefined) {
    return `the password of user ${JSON.stringify(options.user)}`;
  }
  return "to connect without credentials";
}

const TLS_FILES = {
  caFile: "CA file (--tls-ca)",
  certFile: "certificate (--tls-cert)",
  keyFile: "key (--tls-key)",
} as const;

/** Names an unreadable TLS file before the client reports it vaguely. */
async function checkTlsFiles(tls: NatsOptions["tls"]): Promise<void> {
  for (const [field, label] of Object.entries(TLS_FILES)) {
    const file = tls?.[field as keyof typeof TLS_FILES];
    if (file === undefined) {
      continue;
    }
    try {
      await access(file, constants.R_OK);
    } catch (err) {
      throw new NcmError(
        "input",
        "NATS_TLS_FILE",
        `cannot read NATS TLS ${label} ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`,
        { cause: err, retryable: false },
      );
    }
  }
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

/**
 * A prefix is one or more subject tokens without wildcards: the client
 * appends `.<id>` to it, and a permission rule allows `<prefix>.>`.
 */
function checkInboxPrefix(prefix: string | undefined): void {
  if (prefix === undefined) {
    return;
  }
  if (!/^[^\s.*>]+(\.[^\s.*>]+)*$/.test(prefix)) {
    throw new UsageError(
      `--inbox-prefix ${JSON.stringify(prefix)}: expected subject tokens without wildcards or spaces, such as _INBOX_minion`,
    );
  }
}
