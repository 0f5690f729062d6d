import type { Logger } from "../core/log.ts";
import type { ReconcileOutcome } from "./types.ts";

/** What one scheduled sweep found, as logged in `sweep-finished`. */
export interface SweepSummary {
  /** Devices whose running-config was read and compared (or tried). */
  checked: number;
  inSync: number;
  /** Drift found this sweep, corrected or not. */
  drifted: number;
  /** Of the drifted, those put back on their intended config. */
  corrected: number;
  failed: number;
  /** Devices with no intended config: nothing to compare with. */
  unmanaged: number;
  /** Passes not run: backing off after failures, or stopping. */
  skipped: number;
  durationMs: number;
}

/**
 * Counts a sweep's outcomes. `undefined` stands for a device the minion
 * stopped owning before its turn came, which counts nowhere.
 */
export function summariseSweep(
  outcomes: readonly (ReconcileOutcome | undefined)[],
  durationMs: number,
): SweepSummary {
  const summary: SweepSummary = {
    checked: 0,
    inSync: 0,
    drifted: 0,
    corrected: 0,
    failed: 0,
    unmanaged: 0,
    skipped: 0,
    durationMs,
  };
  for (const outcome of outcomes) {
    if (outcome !== undefined) {
      count(summary, outcome);
    }
  }
  return summary;
}

function count(summary: SweepSummary, outcome: ReconcileOutcome): void {
  switch (outcome.result) {
    case "unmanaged":
      summary.unmanaged++;
      return;
    case "failed":
      if (outcome.error?.code === "SKIPPED") {
        summary.skipped++;
        return;
      }
      summary.failed++;
      break;
    case "in-sync":
      summary.inSync++;
      break;
    case "applied":
      summary.corrected++;
      summary.drifted++;
      break;
    case "drifted":
      summary.drifted++;
      break;
  }
  summary.checked++;
}

/** One info line a sweep; nothing when the minion owned no device. */
export function logSweep(log: Logger, summary: SweepSummary): void {
  if (summary.checked + summary.unmanaged + summary.skipped === 0) {
    return;
  }
  const corrected =
    summary.corrected > 0 ? ` (${summary.corrected} corrected)` : "";
  log.info(
    { event: "sweep-finished", ...summary },
    `sweep: ${summary.checked} checked, ${summary.inSync} in sync, ` +
      `${summary.drifted} drifted${corrected}, ${summary.failed} failed ` +
      `in ${(summary.durationMs / 1000).toFixed(1)} s`,
  );
}
