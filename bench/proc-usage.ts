import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** What the kernel says a process uses, read from /proc. */
export interface ProcUsage {
  /** Resident set size now, in KiB (VmRSS). */
  rssKb: number;
  /** Peak resident set size, in KiB (VmHWM). */
  peakRssKb: number;
  /** User plus system CPU time since the process started, in ms. */
  cpuMs: number;
}

const TICKS_PER_SECOND = clockTicks();

/** Reads a live process's memory and CPU time (Linux only). */
export function procUsage(pid: number): ProcUsage {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return {
    rssKb: statusField(status, "VmRSS"),
    peakRssKb: statusField(status, "VmHWM"),
    cpuMs: cpuMs(pid),
  };
}

/** CPU time in ms: utime + stime, fields 14 and 15 of /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces: count from its ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

function statusField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(status);
  if (match === null) {
    throw new Error(`no ${name} in /proc status: is this Linux?`);
  }
  return Number(match[1]);
}

function clockTicks(): number {
  const probe = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  const ticks = Number(probe.stdout?.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}
