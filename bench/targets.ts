import type {
  BaselineResult,
  FleetResult,
  TargetCheck,
} from "./bench-results.ts";

/** The targets, for the fleet of 1,000 devices. */
export const TARGETS = {
  devices: 1000,
  sweepMs: 5000,
  rssPerDeviceKb: 150,
  p99Ms: 250,
  atOnce: 100,
  memoryRatio: 300,
} as const;

/** Baseline RSS per device over ncm's at the largest fleet, or null. */
export function memoryRatio(
  fleets: readonly FleetResult[],
  baseline: readonly BaselineResult[],
): number | null {
  const fleet = largest(fleets);
  const base = baseline.at(-1);
  if (fleet === undefined || base === undefined) {
    return null;
  }
  return Math.round(base.rssPerDeviceKb / fleet.memory.rssPerDeviceKb);
}

/**
 * Checks each target on the largest fleet of the run; a run that never
 * reached 1,000 devices meets none of the per-thousand targets.
 */
export function checkTargets(
  fleets: readonly FleetResult[],
  ratio: number | null,
): TargetCheck[] {
  const fleet = largest(fleets);
  const full = fleet !== undefined && fleet.devices >= TARGETS.devices;
  const at = fleet === undefined ? "" : ` at ${fleet.devices} devices`;
  const many = fleet?.propagationMany ?? null;
  return [
    {
      name: "one minion process",
      target: "1,000 devices managed by one minion process",
      measured: `${fleet?.devices ?? 0} devices in sync in ${seconds(fleet?.startup.durationMs)}`,
      met: full,
    },
    {
      name: "in-sync sweep",
      target: "1,000 devices in 5 s or less",
      measured: `${seconds(fleet?.sweep.durationMs)}${at}`,
      met: full && (fleet?.sweep.durationMs ?? Infinity) <= TARGETS.sweepMs,
    },
    {
      name: "memory per device",
      target: "150 KB of minion RSS per device or less at 1,000",
      measured:
        fleet === undefined
          ? "n/a"
          : `${fleet.memory.rssPerDeviceKb} KB idle${at} ` +
            `(${fleet.memory.busyRssPerDeviceKb} KB busy, ` +
            `${fleet.memory.peakRssPerDeviceKb} KB peak)`,
      met:
        full &&
        (fleet?.memory.rssPerDeviceKb ?? Infinity) <= TARGETS.rssPerDeviceKb,
    },
    {
      name: "propagation p99",
      target: "250 ms or less with 100 devices changed at once",
      measured:
        many === null
          ? "n/a"
          : `${many.p99Ms} ms with ${many.atOnce} at once${at}`,
      met:
        many !== null &&
        many.atOnce >= TARGETS.atOnce &&
        many.p99Ms <= TARGETS.p99Ms,
    },
    {
      name: "memory ratio",
      target: "300 times less memory per device than a process per device",
      measured: ratio === null ? "n/a" : `${ratio} times less${at}`,
      met: full && ratio !== null && ratio >= TARGETS.memoryRatio,
    },
  ];
}

function largest(fleets: readonly FleetResult[]): FleetResult | undefined {
  return [...fleets].sort((a, b) => a.devices - b.devices).at(-1);
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? "n/a" : `${(ms / 1000).toFixed(2)} s`;
}
