import { stat } from "node:fs/promises";
import { NcmError } from "../core/errors.ts";
import type { WatcherOptions } from "./types.ts";

export const DEFAULTS = {
  prune: false,
  replicas: 1,
  // A config file is written in one go (one write call for a few KB), so
  // 50 ms of unchanged size is plenty, and it is most of the time a
  // change takes to reach a device.
  settleMs: 50,
  // Each file costs two round trips (read the key, write it); 100 files
  // changed at once wait for each other less with 16 in flight.
  concurrency: 16,
} as const;

/**
 * Deadline of each NATS request. Failed writes are retried anyway, so a
 * short one only means an outage is noticed, and ridden out, sooner.
 */
export const NATS_TIMEOUT_MS = 2_000;

export type ResolvedOptions = Required<WatcherOptions>;

/**
 * Checks every option in one place and fills in defaults. Messages name
 * the option, the value received and what was expected.
 */
export function resolveOptions(options: WatcherOptions): ResolvedOptions {
  const resolved = { ...DEFAULTS, ...dropUndefined(options) };
  wholeNumber("replicas", resolved.replicas, 1);
  wholeNumber("concurrency", resolved.concurrency, 1);
  wholeNumber("settleMs", resolved.settleMs, 0);
  if (typeof resolved.dir !== "string" || resolved.dir.length === 0) {
    throw invalid("dir", resolved.dir, "the path of a folder");
  }
  return resolved;
}

/** Refuses a `dir` that does not exist or is no folder. */
export async function assertFolder(dir: string): Promise<void> {
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new NcmError("input", "WATCH_DIR", `cannot watch ${dir}: ${code}`, {
      cause: err,
      details: { dir },
    });
  }
  if (!isDir) {
    throw new NcmError(
      "input",
      "WATCH_DIR",
      `cannot watch ${dir}: not a folder`,
      {
        details: { dir },
      },
    );
  }
}

function wholeNumber(name: string, value: unknown, min: number): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw invalid(name, value, `a whole number, ${min} or more`);
  }
}

function invalid(name: string, value: unknown, expected: string): NcmError {
  return new NcmError(
    "input",
    "WATCHER_OPTION",
    `invalid ${name} ${JSON.stringify(value)}: expected ${expected}`,
  );
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined),
  ) as T;
}
