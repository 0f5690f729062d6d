import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { deviceConfig } from "./config-templates.ts";
import type { FleetDevice } from "./fleet-files.ts";
import type { FleetObserver } from "./fleet-observer.ts";

export interface PropagationTarget {
  observer: FleetObserver;
  /** The folder `ncm watch` publishes. */
  configs: string;
  /** How long one device may take before the scenario fails. */
  timeoutMs: number;
}

let changes = 0;

/**
 * Writes a changed config file for each device at once and measures, per
 * device, from just before the write to the bench receiving the minion's
 * `applied` event (sent once the commit is confirmed on the device).
 * Covers the watcher's settle time, the KV write, the minion's watch,
 * settle and queue, and the whole replace on the device.
 */
export async function propagate(
  target: PropagationTarget,
  devices: readonly FleetDevice[],
): Promise<number[]> {
  const { observer } = target;
  const from = observer.eventCount;
  // An event still on its way from an earlier change must not count.
  const before = new Map(
    devices.map((d) => [
      d.name,
      observer.statuses.get(d.name)?.intendedRevision ?? 0,
    ]),
  );
  const applied = (name: string) =>
    observer.appliedSince(name, from, (before.get(name) ?? 0) + 1);
  const started = performance.now();
  await Promise.all(devices.map((device) => writeChange(target, device)));
  const names = devices.map((d) => d.name);
  await observer.until(
    `${names.length} applied event(s)`,
    () => names.every((name) => applied(name) !== undefined),
    target.timeoutMs,
  );
  return names.map((name) => (applied(name)?.at as number) - started);
}

/** A new line that the device does not hold yet: a real change. */
function writeChange(
  target: PropagationTarget,
  device: FleetDevice,
): Promise<void> {
  changes += 1;
  const text = deviceConfig(device.template, device.name, [
    `snmp-server location bench-change-${changes}`,
  ]);
  return writeFile(join(target.configs, `${device.name}.cfg`), text);
}
