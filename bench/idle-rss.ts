import { setTimeout as sleep } from "node:timers/promises";

/** RSS after a process (or a set of them) has been left alone. */
export interface IdleReading {
  rssKb: number;
  /** How long the bench waited for it. */
  waitedMs: number;
}

/** A fall this large is V8's memory reducer having run. */
const SHRINK = 0.9;
/** Readings within 1% of each other after the fall: settled. */
const STABLE_READINGS = 3;

/**
 * Waits while nothing is asked of the minion, the state it spends most of
 * its time in between sweeps, and reads RSS once V8's memory reducer has
 * given back what the activity before grew the heap by (it runs some 30 to
 * 60 s after allocation calms down), or when `maxMs` is up. `readKb` reads
 * the RSS to follow (one process, or the sum of several).
 */
export async function idleRss(
  readKb: () => number,
  maxMs: number,
  pollMs = 1_000,
): Promise<IdleReading> {
  const started = Date.now();
  const busy = readKb();
  let last = busy;
  let stable = 0;
  while (Date.now() - started < maxMs) {
    await sleep(pollMs);
    const now = readKb();
    stable = Math.abs(now - last) <= last * 0.01 ? stable + 1 : 0;
    last = now;
    if (now <= busy * SHRINK && stable >= STABLE_READINGS) {
      break;
    }
  }
  return { rssKb: last, waitedMs: Date.now() - started };
}
