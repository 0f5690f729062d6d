import { NcmError } from "../../../core/errors.ts";
import { type Logger, silentLogger } from "../../../core/log.ts";
import type { HostKeyVerifier } from "./known-hosts.ts";
import type { SessionKind } from "./session-name.ts";
import { AUTH_METHODS, type AuthMethodName } from "./ssh-auth.ts";

export interface EosDriverOptions {
  /** Parent logger; the driver logs through a child with `{device}`. */
  log?: Logger;
  /**
   * Checks the device's SSH host key (raw public key blob). Without one,
   * any key is accepted and a `host-key-unchecked` warning is logged.
   */
  verifyHostKey?: HostKeyVerifier;
  /** TCP connect, SSH handshake and login together. @default 10000 */
  connectTimeoutMs?: number;
  /** Longest wait for the prompt after one command. @default 30000 */
  commandTimeoutMs?: number;
  /** SSH keepalive period; 0 turns keepalives off. @default 15000 */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as lost. @default 3 */
  keepaliveCountMax?: number;
  /** Request a pseudo-terminal for the CLI shell, as ssh does. @default true */
  pty?: boolean;
  /** Config lines sent ahead of their prompts, at most. @default 200 */
  pipelineLines?: number;
  /** Bytes of config lines sent ahead of their prompts. @default 8192 */
  pipelineBytes?: number;
  /**
   * Login methods in order of preference; those without credentials, or
   * not offered by the device, are skipped.
   * @default ["publickey", "password", "keyboard-interactive"]
   */
  authOrder?: readonly AuthMethodName[];
  /**
   * Names the config sessions this driver opens: `diff` for a person's
   * preview, which minions leave alone while it is young.
   * @default "minion"
   */
  sessionKind?: SessionKind;
  /**
   * Told +1 when an SSH connection to the device is logged in and -1 when
   * it closes, so a minion can count its open connections.
   */
  onSshConnection?: (delta: 1 | -1) => void;
}

/** Options without a default stay optional once resolved. */
type Optional = "verifyHostKey" | "onSshConnection";

export type ResolvedEosOptions = Required<Omit<EosDriverOptions, Optional>> &
  Pick<EosDriverOptions, Optional>;

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 30_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  pty: true,
  pipelineLines: 200,
  pipelineBytes: 8192,
  authOrder: AUTH_METHODS,
  sessionKind: "minion" as SessionKind,
};

const SESSION_KINDS: readonly SessionKind[] = ["minion", "diff"];

/** Whole-number options: the smallest value each accepts. */
const MINIMUMS = {
  connectTimeoutMs: 1,
  commandTimeoutMs: 1,
  keepaliveIntervalMs: 0,
  keepaliveCountMax: 1,
  pipelineLines: 1,
  pipelineBytes: 1,
} as const;

/** Applies defaults and refuses bad values, naming the option. */
export function resolveEosOptions(
  options: EosDriverOptions = {},
): ResolvedEosOptions {
  const resolved: ResolvedEosOptions = {
    ...DEFAULTS,
    log: options.log ?? silentLogger(),
    verifyHostKey: options.verifyHostKey,
    onSshConnection: options.onSshConnection,
  };
  for (const key of Object.keys(MINIMUMS) as (keyof typeof MINIMUMS)[]) {
    const value = options[key];
    if (value === undefined) {
      continue;
    }
    if (!Number.isInteger(value) || value < MINIMUMS[key]) {
      throw badOption(key, value, `a whole number >= ${MINIMUMS[key]}`);
    }
    resolved[key] = value;
  }
  if (options.authOrder !== undefined) {
    resolved.authOrder = checkAuthOrder(options.authOrder);
  }
  if (options.sessionKind !== undefined) {
    if (!SESSION_KINDS.includes(options.sessionKind)) {
      throw badOption(
        "sessionKind",
        options.sessionKind,
        SESSION_KINDS.join(" or "),
      );
    }
    resolved.sessionKind = options.sessionKind;
  }
  if (options.pty !== undefined) {
    if (typeof options.pty !== "boolean") {
      throw badOption("pty", options.pty, "true or false");
    }
    resolved.pty = options.pty;
  }
  return resolved;
}

function checkAuthOrder(order: unknown): readonly AuthMethodName[] {
  const known = (name: unknown) =>
    AUTH_METHODS.includes(name as AuthMethodName);
  if (
    !Array.isArray(order) ||
    order.length === 0 ||
    !order.every(known) ||
    new Set(order).size !== order.length
  ) {
    throw badOption(
      "authOrder",
      order,
      `a non-empty list of distinct methods from ${AUTH_METHODS.join(", ")}`,
    );
  }
  return order;
}

function badOption(name: string, value: unknown, expected: string): NcmError {
  return new NcmError(
    "input",
    "EOS_BAD_OPTION",
    `invalid EOS driver option ${name}: ${JSON.stringify(value)}; expected ${expected}`,
  );
}
