import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { NatsServer } from "../clab/nats-server.ts";
import { openIntended, openStatus } from "../core/nats/resources.ts";
import type { BaselineResult } from "./bench-results.ts";
import { type ConfigTemplate, deviceConfig } from "./config-templates.ts";
import { type FleetDevice, planFleet, writeFleet } from "./fleet-files.ts";
import { FleetObserver } from "./fleet-observer.ts";
import { NO_SCHEDULE } from "./fleet-run.ts";
import { idleRss } from "./idle-rss.ts";
import type { Progress } from "./measure-fleet.ts";
import { NcmProcess } from "./ncm-process.ts";
import { procUsage } from "./proc-usage.ts";
import { reservePorts } from "./reserve-ports.ts";

/** Minion processes started together; more would only queue for the CPU. */
const START_BATCH = 10;

/**
 * The architecture ncm replaces: one minion process per device (the
 * original design's container per device, Salt's proxy minion per device).
 * The same ncm minion, limited to one device each with `--devices`, at
 * each count in `counts`; RSS is read once the devices are in sync, and
 * again once every process has idled, as the minion's is.
 */
export async function measureBaseline(
  counts: readonly number[],
  templates: readonly ConfigTemplate[],
  idleMs: number,
  progress: Progress,
): Promise<BaselineResult[]> {
  const sorted = [...new Set(counts)].sort((a, b) => a - b);
  const largest = sorted.at(-1) ?? 0;
  const stops: (() => Promise<void>)[] = [];
  try {
    const setup = await setUp(largest, templates, stops);
    const minions: NcmProcess[] = [];
    const busy = new Map<number, number>();
    for (const count of sorted) {
      progress(`baseline: ${count} minion processes, one device each`);
      while (minions.length < count) {
        const batch = setup.devices.slice(
          minions.length,
          Math.min(count, minions.length + START_BATCH),
        );
        minions.push(...(await startMinions(setup, batch, stops)));
      }
      busy.set(count, totalRss(minions));
    }
    progress("baseline: idle RSS");
    await idleRss(() => totalRss(minions), idleMs);
    const idle = minions.map((minion) => procUsage(minion.pid).rssKb);
    return sorted.map((count) => reading(count, busy, idle));
  } finally {
    for (const stop of stops.reverse()) {
      await stop().catch(() => undefined);
    }
  }
}

interface Setup {
  devices: FleetDevice[];
  inventory: string;
  url: string;
  observer: FleetObserver;
}

async function setUp(
  size: number,
  templates: readonly ConfigTemplate[],
  stops: (() => Promise<void>)[],
): Promise<Setup> {
  const dir = await mkdtemp(join(tmpdir(), "ncm-bench-base-"));
  stops.push(() => rm(dir, { recursive: true, force: true }));
  const nats = await NatsServer.start();
  stops.push(() => nats.stop());
  const devices = planFleet(await reservePorts(size), templates);
  const files = await writeFleet(dir, devices);
  const sim = new NcmProcess("ncm sim", [
    "sim",
    "--inventory",
    files.inventory,
    "--state-dir",
    files.simState,
  ]);
  stops.push(() => sim.stop());
  await sim.waitForEvent("sim-started", 60_000);
  const nc = await connect({ servers: nats.url });
  stops.push(() => nc.close());
  const intended = await openIntended(nc);
  for (const device of devices) {
    await intended.put(device.name, deviceConfig(device.template, device.name));
  }
  const observer = await FleetObserver.start(nc, await openStatus(nc));
  stops.push(async () => observer.stop());
  return { devices, inventory: files.inventory, url: nats.url, observer };
}

async function startMinions(
  setup: Setup,
  devices: readonly FleetDevice[],
  stops: (() => Promise<void>)[],
): Promise<NcmProcess[]> {
  const minions = devices.map((device) => {
    const minion = new NcmProcess(`ncm minion ${device.name}`, [
      "minion",
      "--inventory",
      setup.inventory,
      "--devices",
      device.name,
      "--server",
      setup.url,
      "--name",
      `base-${device.name}`,
      "--interval",
      NO_SCHEDULE,
    ]);
    stops.push(() => minion.stop(30_000));
    return minion;
  });
  const names = devices.map((d) => d.name);
  await setup.observer.until(
    `baseline devices ${names.join(",")} in sync`,
    () => setup.observer.allInSync(names),
    120_000,
  );
  return minions;
}

function totalRss(minions: readonly NcmProcess[]): number {
  return minions
    .map((minion) => procUsage(minion.pid).rssKb)
    .reduce((a, b) => a + b, 0);
}

/**
 * The first `count` processes: summed RSS when they had just come in sync
 * (busy), and once all of them had idled, read like the minion's.
 */
function reading(
  count: number,
  busy: ReadonlyMap<number, number>,
  idle: readonly number[],
): BaselineResult {
  const totalRssKb = idle.slice(0, count).reduce((a, b) => a + b, 0);
  return {
    processes: count,
    totalRssKb,
    rssPerDeviceKb: Math.round(totalRssKb / count),
    busyRssPerDeviceKb: Math.round((busy.get(count) ?? 0) / count),
  };
}
