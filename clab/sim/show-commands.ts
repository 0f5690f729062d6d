/**
 * Output of the simulator's informational `show` commands, shaped like
 * EOS's so that a client's parsers meet the same text.
 */
import { type DeviceState, SIM_EOS_VERSION } from "./device-state.ts";
import { MAX_PENDING_SESSIONS } from "./sessions.ts";

/** Fixed at module load: the uptime of the simulator process. */
const BOOTED_AT = Date.now();

export function showVersion(device: DeviceState): string {
  const minutes = Math.floor((Date.now() - BOOTED_AT) / 60_000);
  return [
    "Arista vEOS-lab",
    "Hardware version: ",
    `Serial number: SIM-${device.name}`,
    "Hardware MAC address: 001c.7300.0001",
    "System MAC address: 001c.7300.0001",
    "",
    `Software image version: ${SIM_EOS_VERSION}`,
    "Architecture: x86_64",
    `Internal build version: ${SIM_EOS_VERSION}`,
    "Internal build ID: ncm-sim",
    "Image format version: 1.0",
    "Image optimization: None",
    "",
    `Uptime: ${Math.floor(minutes / 60)} hours and ${minutes % 60} minutes`,
    "Total memory: 4002720 kB",
    "Free memory: 2403052 kB",
    "",
  ].join("\n");
}

export function showHostname(device: DeviceState): string {
  const hostname = device.hostname();
  return `Hostname: ${hostname}\nFQDN: ${hostname}\n`;
}

/**
 * `show configuration sessions`: a header, then one row per pending
 * session; `*` marks the session the asking terminal is in.
 */
export function showSessions(device: DeviceState, current?: string): string {
  const rows = device.sessions.list().map((session) => ({
    mark: session.name === current ? "*" : " ",
    cells: [session.name, session.state, session.user, session.terminal],
  }));
  const headings = ["Name", "State", "User", "Terminal"];
  const widths = headings.map((heading, column) =>
    Math.max(heading.length, ...rows.map((row) => row.cells[column]!.length)),
  );
  const line = (mark: string, cells: string[]) =>
    ` ${mark} ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" ")}`.trimEnd();
  return [
    "Maximum number of completed sessions: 1",
    `Maximum number of pending sessions: ${MAX_PENDING_SESSIONS}`,
    "",
    line(" ", headings),
    line(
      " ",
      widths.map((width) => "-".repeat(width)),
    ),
    ...rows.map((row) => line(row.mark, row.cells)),
    "",
  ].join("\n");
}
