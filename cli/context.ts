import type { Command } from "commander";
import { UsageError } from "../core/errors.ts";
import { createLogger, isLogLevel, type Logger } from "../core/log.ts";
import { type NatsOptions, parseServers } from "../core/nats/connect.ts";

/** Options every command accepts, after environment defaults. */
export interface GlobalOptions {
  server?: string;
  creds?: string;
  user?: string;
  password?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  inboxPrefix?: string;
  logLevel: string;
  prefix: string;
  replicas: string;
}

/** The global options seen from any (sub)command. */
export function globals(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** True when the user or environment named a NATS server explicitly. */
export function serverGiven(command: Command): boolean {
  return globals(command).server !== undefined;
}

export function natsOptions(command: Command, name?: string): NatsOptions {
  const g = globals(command);
  const tls = tlsOptions(g);
  return {
    servers: parseServers(g.server),
    creds: g.creds,
    user: g.user,
    password: g.password,
    name,
    ...(tls === undefined ? {} : { tls }),
    ...(g.inboxPrefix === undefined ? {} : { inboxPrefix: g.inboxPrefix }),
  };
}

/**
 * TLS files for NATS, or undefined when none is named. A certificate and
 * its key only make sense together.
 */
function tlsOptions(g: GlobalOptions): NatsOptions["tls"] {
  if ((g.tlsCert === undefined) !== (g.tlsKey === undefined)) {
    const given = g.tlsCert === undefined ? "--tls-key" : "--tls-cert";
    throw new UsageError(
      `${given} was given alone: expected --tls-cert and --tls-key together (or NATS_TLS_CERT and NATS_TLS_KEY)`,
    );
  }
  if (g.tlsCa === undefined && g.tlsCert === undefined) {
    return undefined;
  }
  return {
    ...(g.tlsCa === undefined ? {} : { caFile: g.tlsCa }),
    ...(g.tlsCert === undefined ? {} : { certFile: g.tlsCert }),
    ...(g.tlsKey === undefined ? {} : { keyFile: g.tlsKey }),
  };
}

export function logger(command: Command): Logger {
  const level = globals(command).logLevel;
  if (!isLogLevel(level)) {
    throw new UsageError(
      `invalid --log-level ${JSON.stringify(level)}: expected fatal, error, warn, info, debug, trace or silent`,
    );
  }
  return createLogger(level);
}

/** Parses a positive integer option, naming the option when it is not one. */
export function positiveInt(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(
      `invalid ${option} ${JSON.stringify(value)}: expected a positive whole number`,
    );
  }
  return n;
}

export function replicas(command: Command): number {
  return positiveInt("--replicas", globals(command).replicas);
}

const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

/** The functions' subject prefix: one or more plain subject tokens. */
export function prefix(command: Command): string {
  const value = globals(command).prefix;
  if (!value.split(".").every((token) => SUBJECT_TOKEN.test(token))) {
    throw new UsageError(
      `invalid --prefix ${JSON.stringify(value)}: expected subject tokens of letters, digits, '-' and '_' separated by dots`,
    );
  }
  return value;
}
