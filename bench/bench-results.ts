/**
 * The shape of a benchmark run's results (bench/results/latest.json and
 * docs/benchmarks.json). Times in ms, memory in KiB.
 */
import type { LatencyStats } from "./latency-stats.ts";

export interface MachineInfo {
  /** 1-minute load average when the run started and when it ended. */
  loadAverage: [start: number, end: number];
  cpus: number;
  cpuModel: string;
  memoryMb: number;
  kernel: string;
  node: string;
  natsServer: string;
}

export interface ConfigSet {
  /** Folder the templates came from. */
  source: string;
  templates: number;
  minBytes: number;
  meanBytes: number;
  maxBytes: number;
}

export interface SweepRun {
  durationMs: number;
  /** Minion CPU time (user + system) spent during the sweep. */
  cpuMs: number;
  /** The simulator's CPU time during the sweep: the devices' side. */
  simCpuMs: number;
  inSync: number;
  applied: number;
  failed: number;
}

export interface MemoryReading {
  /** Idle: after `idleWaitMs` with nothing asked of the minion. */
  rssKb: number;
  /** rssKb divided by the devices the minion manages. */
  rssPerDeviceKb: number;
  /** Right after the scenarios, before idling. */
  busyRssKb: number;
  busyRssPerDeviceKb: number;
  /** The high-water mark over the whole run (VmHWM). */
  peakRssKb: number;
  peakRssPerDeviceKb: number;
  idleWaitMs: number;
}

/** CPU time each process spent, divided by the changes made meanwhile. */
export interface CpuPerChange {
  minion: number;
  simulator: number;
  watcher: number;
  natsServer: number;
  /** The bench itself: writing files, reading status and events. */
  bench: number;
}

export interface FleetResult {
  devices: number;
  /** Minion start to every device in sync, each applied from scratch. */
  startup: { durationMs: number; cpuMs: number };
  propagationOne: LatencyStats;
  /**
   * Latencies of every round of `atOnce` devices changed together, pooled.
   * Null when the fleet is too small to change several at once.
   */
  propagationMany:
    | (LatencyStats & { atOnce: number; cpuMsPerChange: CpuPerChange })
    | null;
  /** The median of the in-sync sweeps, and each of them. */
  sweep: SweepRun & { runs: SweepRun[] };
  driftSweep: SweepRun & { drifted: number };
  burst: { writes: number; commits: number; durationMs: number };
  memory: MemoryReading;
}

export interface BaselineResult {
  processes: number;
  /** Idle, read the same way as the minion's. */
  totalRssKb: number;
  rssPerDeviceKb: number;
  /** Right after the last process's device came in sync. */
  busyRssPerDeviceKb: number;
}

/** One target of the issue and whether this run met it. */
export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchResults {
  startedAt: string;
  durationS: number;
  machine: MachineInfo;
  /** How the ncm processes were started (built or through tsx). */
  launch: string;
  configs: ConfigSet;
  fleets: FleetResult[];
  baseline: BaselineResult[];
  /** Baseline RSS per device over ncm's at the largest fleet. */
  memoryRatio: number | null;
  targets: TargetCheck[];
}
