import type { BenchOptions } from "./bench-options.ts";
import type { CpuPerChange, FleetResult, SweepRun } from "./bench-results.ts";
import { burst } from "./burst.ts";
import { loginOf } from "./fleet-files.ts";
import type { Fleet } from "./fleet-run.ts";
import { idleRss } from "./idle-rss.ts";
import { latencyStats, median, round } from "./latency-stats.ts";
import { makeDrift } from "./make-drift.ts";
import { cpuMs, procUsage } from "./proc-usage.ts";
import { type PropagationTarget, propagate } from "./propagation.ts";
import { runSweep } from "./run-sweep.ts";

/** Bench progress goes to stderr; stdout carries the results. */
export type Progress = (message: string) => void;

/**
 * Runs every scenario on a fleet that is in sync, in an order where each
 * leaves it in sync for the next: in-sync sweeps, a sweep with 10% of the
 * devices drifted, propagation one at a time then many at once, a burst of
 * writes to one key; memory is read last, after all of it.
 */
export async function measureFleet(
  fleet: Fleet,
  options: BenchOptions,
  progress: Progress,
): Promise<FleetResult> {
  const size = fleet.devices.length;
  progress(`${size} devices: in-sync sweeps`);
  const runs: SweepRun[] = [];
  for (let i = 0; i < options.sweeps; i++) {
    runs.push(await sweep(fleet));
  }
  progress(`${size} devices: sweep with 10% drifted`);
  const driftSweep = await driftedSweep(fleet);
  progress(`${size} devices: propagation`);
  const propagationOne = await propagationOneByOne(fleet, options);
  const propagationMany = await propagationAtOnce(fleet, options);
  progress(`${size} devices: burst of ${options.burstWrites} writes`);
  const burstResult = await burst(
    fleet.intended,
    fleet.observer,
    fleet.devices[0]!,
    options.burstWrites,
  );
  return {
    devices: size,
    startup: fleet.startup,
    propagationOne,
    propagationMany,
    sweep: { ...medianRun(runs), runs },
    driftSweep,
    burst: burstResult,
    memory: await memory(fleet, options, progress),
  };
}

function sweep(fleet: Fleet): Promise<SweepRun> {
  return runSweep({
    nc: fleet.nc,
    devices: fleet.names,
    minionPid: fleet.minion.pid,
    simPid: fleet.sim.pid,
  });
}

/** The run whose duration is the median one. */
function medianRun(runs: readonly SweepRun[]): SweepRun {
  const middle = median(runs.map((r) => r.durationMs));
  return runs.find((r) => r.durationMs === middle) as SweepRun;
}

/** Drift on every tenth device (at least one), then one sweep corrects it. */
async function driftedSweep(
  fleet: Fleet,
): Promise<SweepRun & { drifted: number }> {
  const drifted = fleet.devices.filter((_, i) => i % 10 === 0);
  const queue = [...drifted];
  const worker = async () => {
    for (let d = queue.shift(); d !== undefined; d = queue.shift()) {
      await makeDrift(loginOf(d), `snmp-server contact drift-${Date.now()}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const run = await sweep(fleet);
  if (run.applied !== drifted.length) {
    throw new Error(
      `drift sweep corrected ${run.applied} devices; ${drifted.length} were drifted`,
    );
  }
  return { ...run, drifted: drifted.length };
}

async function propagationOneByOne(
  fleet: Fleet,
  options: BenchOptions,
): Promise<FleetResult["propagationOne"]> {
  const latencies: number[] = [];
  for (let i = 0; i < options.propagationSamples; i++) {
    const device = fleet.devices[(i * 7) % fleet.devices.length]!;
    latencies.push(...(await propagate(target(fleet), [device])));
  }
  return latencyStats(latencies);
}

async function propagationAtOnce(
  fleet: Fleet,
  options: BenchOptions,
): Promise<FleetResult["propagationMany"]> {
  const atOnce = Math.min(options.changedAtOnce, fleet.devices.length);
  if (atOnce < 2) {
    return null;
  }
  const step = Math.floor(fleet.devices.length / atOnce);
  const devices = Array.from(
    { length: atOnce },
    (_, i) => fleet.devices[i * step]!,
  );
  const latencies: number[] = [];
  const before = cpuOf(fleet);
  for (let i = 0; i < options.atOnceRounds; i++) {
    latencies.push(...(await propagate(target(fleet), devices)));
  }
  const after = cpuOf(fleet);
  const perChange = (key: keyof CpuPerChange) =>
    round((after[key] - before[key]) / latencies.length);
  return {
    ...latencyStats(latencies),
    atOnce,
    cpuMsPerChange: {
      minion: perChange("minion"),
      simulator: perChange("simulator"),
      watcher: perChange("watcher"),
      natsServer: perChange("natsServer"),
      bench: perChange("bench"),
    },
  };
}

/** CPU time so far of every process taking part, in ms. */
function cpuOf(fleet: Fleet): CpuPerChange {
  const own = process.cpuUsage();
  return {
    minion: cpuMs(fleet.minion.pid),
    simulator: cpuMs(fleet.sim.pid),
    watcher: cpuMs(fleet.watch.pid),
    natsServer: cpuMs(fleet.natsServerPid),
    bench: (own.user + own.system) / 1000,
  };
}

function target(fleet: Fleet): PropagationTarget {
  return {
    observer: fleet.observer,
    configs: fleet.files.configs,
    timeoutMs: fleet.waitMs(),
  };
}

/** RSS right after the scenarios, once idle, and the run's peak. */
async function memory(
  fleet: Fleet,
  options: BenchOptions,
  progress: Progress,
): Promise<FleetResult["memory"]> {
  const pid = fleet.minion.pid;
  const busy = procUsage(pid).rssKb;
  progress(`${fleet.devices.length} devices: idle RSS`);
  const idleMs = options.idleSeconds * 1000;
  const idle = await idleRss(() => procUsage(pid).rssKb, idleMs);
  const perDevice = (kb: number) =>
    Math.round((kb / fleet.devices.length) * 10) / 10;
  const peak = procUsage(pid).peakRssKb;
  return {
    rssKb: idle,
    rssPerDeviceKb: perDevice(idle),
    busyRssKb: busy,
    busyRssPerDeviceKb: perDevice(busy),
    peakRssKb: peak,
    peakRssPerDeviceKb: perDevice(peak),
    idleWaitMs: idleMs,
  };
}
