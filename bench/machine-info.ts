import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import {
  availableParallelism,
  cpus,
  loadavg,
  release,
  totalmem,
} from "node:os";
import type { MachineInfo } from "./bench-results.ts";

/**
 * The host the figures were measured on. Other work on it shows in the
 * load average: a 2-core host at a load of 2 was already busy.
 */
export function machineInfo(loadAtStart: number): MachineInfo {
  return {
    loadAverage: [round(loadAtStart), round(loadavg()[0] ?? 0)],
    cpus: availableParallelism(),
    cpuModel: cpuModel(),
    memoryMb: Math.round(totalmem() / 2 ** 20),
    kernel: release(),
    node: process.version,
    natsServer: natsServerVersion(),
  };
}

function round(load: number): number {
  return Math.round(load * 100) / 100;
}

function cpuModel(): string {
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    return /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? "unknown";
  } catch {
    return cpus()[0]?.model ?? "unknown";
  }
}

function natsServerVersion(): string {
  const binary = process.env.NATS_SERVER_BIN ?? "nats-server";
  const probe = spawnSync(binary, ["--version"], { encoding: "utf8" });
  return probe.stdout?.trim().replace(/^nats-server:\s*/, "") || "unknown";
}
