import { performance } from "node:perf_hooks";
import type { NatsConnection } from "@nats-io/nats-core";
import type { ReconcileOutcome } from "../reconciler/types.ts";
import type { SweepRun } from "./bench-results.ts";
import { round } from "./latency-stats.ts";
import { cpuMs } from "./proc-usage.ts";

export interface SweepTarget {
  nc: NatsConnection;
  devices: readonly string[];
  minionPid: number;
  simPid: number;
}

/** Long enough for a thousand devices behind one another on a slow host. */
const REPLY_TIMEOUT_MS = 300_000;

/**
 * One sweep of every device, as `ncm reconcile --all` asks for it: one
 * `ncm.<device>.reconcile` request each, all at once; the minion's limiter
 * decides how many run together. Lasts until the last reply is in.
 */
export async function runSweep(target: SweepTarget): Promise<SweepRun> {
  const { nc, devices } = target;
  const cpu = [cpuMs(target.minionPid), cpuMs(target.simPid)];
  const started = performance.now();
  const outcomes = await Promise.all(
    devices.map(async (device) => {
      const reply = await nc.request(`ncm.${device}.reconcile`, "", {
        timeout: REPLY_TIMEOUT_MS,
      });
      return reply.json<ReconcileOutcome>();
    }),
  );
  const durationMs = performance.now() - started;
  const count = (result: ReconcileOutcome["result"]) =>
    outcomes.filter((o) => o.result === result).length;
  return {
    durationMs: round(durationMs),
    cpuMs: round(cpuMs(target.minionPid) - (cpu[0] as number)),
    simCpuMs: round(cpuMs(target.simPid) - (cpu[1] as number)),
    inSync: count("in-sync"),
    applied: count("applied"),
    failed: devices.length - count("in-sync") - count("applied"),
  };
}
