import type { DeviceStatus } from "../../reconciler/types.ts";

const COLUMNS = [
  "DEVICE",
  "STATE",
  "INTENDED",
  "APPLIED",
  "DRIFTS",
  "CHECKED",
  "OWNER",
  "ERROR",
];

/** One row a device, aligned, for people; scripts use `--json`. */
export function statusTable(
  statuses: readonly DeviceStatus[],
  now = Date.now(),
): string {
  const rows = statuses.map((s) => [
    s.device,
    s.state,
    revision(s.intendedRevision),
    revision(s.appliedRevision),
    String(s.driftCount ?? 0),
    ago(s.lastCheckAt, now),
    s.owner ?? "-",
    s.lastError ?? "",
  ]);
  return alignColumns([COLUMNS, ...rows]);
}

export function alignColumns(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function revision(value: number | null): string {
  return value === null || value === undefined ? "-" : String(value);
}

/** "12s ago" style age of an ISO timestamp. */
export function ago(iso: string | null, now = Date.now()): string {
  if (iso === null || iso === undefined) {
    return "never";
  }
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) {
    return `${seconds}s ago`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)}m ago`;
  }
  return `${Math.floor(seconds / 3600)}h ago`;
}
