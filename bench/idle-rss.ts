import { setTimeout as sleep } from "node:timers/promises";

/**
 * RSS once a process (or a set of them) has been left alone for `idleMs`:
 * the state a minion spends most of its time in between sweeps. V8 keeps
 * the heap a burst of work grew, and its memory reducer gives most of it
 * back some 30 to 60 s after allocation calms down, in steps, so a fixed
 * wait is read rather than the first fall. `readKb` reads the RSS to
 * follow (one process, or the sum of several).
 */
export async function idleRss(
  readKb: () => number,
  idleMs: number,
): Promise<number> {
  await sleep(idleMs);
  return readKb();
}
