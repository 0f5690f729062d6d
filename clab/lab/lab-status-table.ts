import type { LabStatus } from "./lab-status.ts";

/** One line a node, for people. */
export function statusTable(status: LabStatus): string {
  const rows = [["NODE", "MGMT", "NAMESPACE", "PROCS", "FRR", "SSHD"]];
  for (const n of status.nodes) {
    const down = Object.entries(n.daemons)
      .filter(([, alive]) => !alive)
      .map(([name]) => name);
    rows.push([
      n.node,
      n.mgmtAddress,
      n.namespace ? n.netns : "-",
      String(n.processes),
      down.length === 0 ? "up" : `down: ${down.join(",")}`,
      n.sshd ? "up" : "down",
    ]);
  }
  const widths = rows[0]!.map((_, i) =>
    Math.max(...rows.map((r) => r[i]!.length)),
  );
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
