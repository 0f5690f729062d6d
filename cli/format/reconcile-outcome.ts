import type { ReconcileOutcome } from "../../reconciler/types.ts";
import { seconds } from "./duration.ts";
import { alignColumns } from "./status-table.ts";

const COLUMNS = ["DEVICE", "RESULT", "REV", "TOOK", "ERROR"];

/** Summary order: the good news first, failures last where eyes land. */
const RESULTS: readonly ReconcileOutcome["result"][] = [
  "in-sync",
  "applied",
  "drifted",
  "unmanaged",
  "failed",
];

/** "leaf1: applied revision 7 in 1.2 s"; the error is reported apart. */
export function outcomeLine(outcome: ReconcileOutcome): string {
  const revision =
    outcome.intendedRevision === null
      ? "no intended revision"
      : `revision ${outcome.intendedRevision}`;
  const cached = outcome.cached === true ? " (running-config unchanged)" : "";
  const took = seconds(outcome.durationMs);
  return `${outcome.device}: ${outcome.result}, ${revision}, ${took}${cached}`;
}

/** One row a device for `reconcile --all`. */
export function outcomeTable(outcomes: readonly ReconcileOutcome[]): string {
  const rows = outcomes.map((o) => [
    o.device,
    o.result,
    o.intendedRevision === null ? "-" : String(o.intendedRevision),
    seconds(o.durationMs),
    o.error === undefined ? "" : `${o.error.code}: ${o.error.message}`,
  ]);
  return alignColumns([COLUMNS, ...rows]);
}

/** "300 devices: 290 in-sync, 8 applied, 2 failed". */
export function outcomeSummary(outcomes: readonly ReconcileOutcome[]): string {
  const parts = RESULTS.map((result) => ({
    result,
    n: outcomes.filter((o) => o.result === result).length,
  }))
    .filter(({ n }) => n > 0)
    .map(({ result, n }) => `${n} ${result}`);
  const noun = outcomes.length === 1 ? "device" : "devices";
  return `${outcomes.length} ${noun}: ${parts.join(", ")}`;
}
