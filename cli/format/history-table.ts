import type { HistoryRecord } from "../history-record.ts";
import { alignColumns } from "./status-table.ts";

const COLUMNS = ["TIME", "KIND", "REV", "WHO", "SUMMARY"];

/** One aligned line a record, oldest first, times in UTC to the second. */
export function historyTable(records: readonly HistoryRecord[]): string {
  const rows = records.map((r) => [
    r.at.replace(/\.\d+Z$/, "Z"),
    r.kind,
    r.revision === null ? "-" : String(r.revision),
    r.who ?? "-",
    r.summary,
  ]);
  return alignColumns([COLUMNS, ...rows]);
}
