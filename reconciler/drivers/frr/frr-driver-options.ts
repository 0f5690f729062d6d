import { NcmError } from "../../../core/errors.ts";
import { type Logger, silentLogger } from "../../../core/log.ts";
import type { HostKeyVerifier } from "../eos/known-hosts.ts";

export interface FrrDriverOptions {
  /** Parent logger; the driver logs through a child with `{device}`. */
  log?: Logger;
  /**
   * Checks the device's SSH host key (raw public key blob). Without one,
   * any key is accepted and a `host-key-unchecked` warning is logged.
   */
  verifyHostKey?: HostKeyVerifier;
  /** TCP connect, SSH handshake and login together. @default 10000 */
  connectTimeoutMs?: number;
  /** Longest wait for one short command (vtysh, upload). @default 30000 */
  commandTimeoutMs?: number;
  /** Longest wait for one `frr-reload.py --reload`. @default 120000 */
  reloadTimeoutMs?: number;
  /**
   * After a reload, how long BGP peers that were Established before it
   * may take to be Established again before the change is undone.
   * @default 30000
   */
  bgpSettleMs?: number;
  /** Pause between two reads of the BGP summary while waiting. @default 500 */
  bgpPollMs?: number;
  /** SSH keepalive period; 0 turns keepalives off. @default 15000 */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as lost. @default 3 */
  keepaliveCountMax?: number;
  /** Path of frr-reload.py on the device. @default "/usr/lib/frr/frr-reload.py" */
  reloadScript?: string;
  /** Device folder for uploaded candidates; never shared with others' files. @default "/tmp" */
  uploadDir?: string;
}

export type ResolvedFrrOptions = Required<
  Omit<FrrDriverOptions, "verifyHostKey">
> &
  Pick<FrrDriverOptions, "verifyHostKey">;

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 30_000,
  reloadTimeoutMs: 120_000,
  bgpSettleMs: 30_000,
  bgpPollMs: 500,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  reloadScript: "/usr/lib/frr/frr-reload.py",
  uploadDir: "/tmp",
};

/** Whole-number options: the smallest value each accepts. */
const MINIMUMS = {
  connectTimeoutMs: 1,
  commandTimeoutMs: 1,
  reloadTimeoutMs: 1,
  bgpSettleMs: 0,
  bgpPollMs: 1,
  keepaliveIntervalMs: 0,
  keepaliveCountMax: 1,
} as const;

/** Device paths go into shell commands: plain absolute paths only. */
const DEVICE_PATH = /^\/[A-Za-z0-9._/-]*$/;

/** Applies defaults and refuses bad values, naming the option. */
export function resolveFrrOptions(
  options: FrrDriverOptions = {},
): ResolvedFrrOptions {
  const resolved: ResolvedFrrOptions = {
    ...DEFAULTS,
    log: options.log ?? silentLogger(),
    verifyHostKey: options.verifyHostKey,
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
  for (const key of ["reloadScript", "uploadDir"] as const) {
    const value = options[key];
    if (value === undefined) {
      continue;
    }
    if (typeof value !== "string" || !DEVICE_PATH.test(value)) {
      throw badOption(key, value, "an absolute path of [A-Za-z0-9._/-]");
    }
    resolved[key] = value;
  }
  return resolved;
}

function badOption(name: string, value: unknown, expected: string): NcmError {
  return new NcmError(
    "input",
    "FRR_BAD_OPTION",
    `invalid FRR driver option ${name}: ${JSON.stringify(value)}; expected ${expected}`,
  );
}
