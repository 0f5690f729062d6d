import { performance } from "node:perf_hooks";
import type { KV } from "@nats-io/kv";
import type { FleetResult } from "./bench-results.ts";
import { deviceConfig } from "./config-templates.ts";
import type { FleetDevice } from "./fleet-files.ts";
import type { FleetObserver } from "./fleet-observer.ts";
import { round } from "./latency-stats.ts";

/**
 * Writes `writes` revisions of one device's key one after the other, each
 * put awaited, as a script looping over `nats kv put` makes them, then
 * waits until the last revision is applied and counts the commits it
 * took: ncm coalesces a burst to its latest revision.
 */
export async function burst(
  intended: KV,
  observer: FleetObserver,
  device: FleetDevice,
  writes: number,
): Promise<FleetResult["burst"]> {
  const from = observer.eventCount;
  const started = performance.now();
  const revisions: number[] = [];
  for (let i = 0; i < writes; i++) {
    revisions.push(
      await intended.put(
        device.name,
        deviceConfig(device.template, device.name, [
          `snmp-server contact bench-burst-${i}`,
        ]),
      ),
    );
  }
  const last = Math.max(...revisions);
  const lastApplied = () =>
    observer
      .eventsSince(from)
      .some(
        ({ event }) =>
          event.kind === "applied" &&
          event.device === device.name &&
          event.intendedRevision === last,
      );
  await observer.until(`revision ${last} applied`, lastApplied, 60_000);
  const commits = observer
    .eventsSince(from)
    .filter(
      ({ event }) => event.kind === "applied" && event.device === device.name,
    ).length;
  return { writes, commits, durationMs: round(performance.now() - started) };
}
