import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { NatsServer } from "../clab/nats-server.ts";
import { openIntended, openStatus } from "../core/nats/resources.ts";
import type { BenchOptions } from "./bench-options.ts";
import type { FleetResult } from "./bench-results.ts";
import type { ConfigTemplate } from "./config-templates.ts";
import {
  type FleetDevice,
  type FleetFiles,
  planFleet,
  writeFleet,
} from "./fleet-files.ts";
import { FleetObserver } from "./fleet-observer.ts";
import { NcmProcess } from "./ncm-process.ts";
import { cpuMs } from "./proc-usage.ts";
import { reservePorts } from "./reserve-ports.ts";

/**
 * A cron that does not fire during a run (midnight on January 1st): sweeps
 * are asked for by the bench, so a scheduled one cannot overlap them.
 */
export const NO_SCHEDULE = "0 0 1 1 *";

/** Per-device allowance on top of a fixed one, for waits that scale. */
const PER_DEVICE_MS = 250;

/** Everything one fleet size runs on; `stop` takes it all down. */
export class Fleet {
  readonly devices: FleetDevice[];
  readonly names: string[];
  readonly files: FleetFiles;
  readonly nc: NatsConnection;
  readonly intended: KV;
  readonly observer: FleetObserver;
  readonly sim: NcmProcess;
  readonly watch: NcmProcess;
  readonly minion: NcmProcess;
  readonly natsServerPid: number;
  /** From minion start to every device in sync. */
  readonly startup: FleetResult["startup"];
  readonly #stops: (() => Promise<void>)[];

  private constructor(
    parts: Omit<Fleet, "names" | "stop" | "waitMs">,
    stops: (() => Promise<void>)[],
  ) {
    this.devices = parts.devices;
    this.names = parts.devices.map((d) => d.name);
    this.files = parts.files;
    this.nc = parts.nc;
    this.intended = parts.intended;
    this.observer = parts.observer;
    this.sim = parts.sim;
    this.watch = parts.watch;
    this.minion = parts.minion;
    this.natsServerPid = parts.natsServerPid;
    this.startup = parts.startup;
    this.#stops = stops;
  }

  /** A wait that grows with the fleet. */
  waitMs(devices = this.devices.length): number {
    return 60_000 + PER_DEVICE_MS * devices;
  }

  /** Stops the processes (minion first), then the server; removes files. */
  async stop(): Promise<void> {
    for (const stop of this.#stops.reverse()) {
      await stop().catch(() => undefined);
    }
  }

  /**
   * Starts nats-server, `ncm sim` with `size` devices, `ncm watch` on their
   * configs and `ncm minion`, each its own process, and waits until the
   * minion has every device in sync.
   */
  static async start(
    size: number,
    templates: readonly ConfigTemplate[],
    options: BenchOptions,
  ): Promise<Fleet> {
    const stops: (() => Promise<void>)[] = [];
    try {
      return await Fleet.#start(size, templates, options, stops);
    } catch (err) {
      for (const stop of stops.reverse()) {
        await stop().catch(() => undefined);
      }
      throw err;
    }
  }

  static async #start(
    size: number,
    templates: readonly ConfigTemplate[],
    options: BenchOptions,
    stops: (() => Promise<void>)[],
  ): Promise<Fleet> {
    const dir = await mkdtemp(join(tmpdir(), "ncm-bench-"));
    stops.push(() => rm(dir, { recursive: true, force: true }));
    const nats = await NatsServer.start();
    stops.push(() => nats.stop());
    const devices = planFleet(await reservePorts(size), templates);
    const files = await writeFleet(dir, devices);
    const allowance = 60_000 + PER_DEVICE_MS * size;

    const sim = new NcmProcess(
      "ncm sim",
      ["sim", "--inventory", files.inventory, "--state-dir", files.simState],
      { nodeFlags: profileFlags(options, `sim-${size}`) },
    );
    stops.push(() => sim.stop());
    await sim.waitForEvent("sim-started", allowance);

    const nc = await connect({ servers: nats.url });
    stops.push(() => nc.close());
    const observer = await FleetObserver.start(nc, await openStatus(nc));
    stops.push(async () => observer.stop());

    const watch = new NcmProcess("ncm watch", [
      "watch",
      files.configs,
      "--server",
      nats.url,
    ]);
    stops.push(() => watch.stop());
    await watch.waitForEvent("watch-ready", allowance);

    const started = performance.now();
    const minion = new NcmProcess(
      "ncm minion",
      [
        "minion",
        "--inventory",
        files.inventory,
        "--server",
        nats.url,
        "--name",
        "bench",
        "--interval",
        NO_SCHEDULE,
        ...options.minionArgs,
      ],
      {
        nodeFlags: [
          ...options.minionFlags,
          ...profileFlags(options, `minion-${size}`),
        ],
      },
    );
    stops.push(() => minion.stop(60_000));
    const names = devices.map((d) => d.name);
    await observer.until(
      `all ${size} devices in sync`,
      () => observer.allInSync(names),
      allowance,
    );
    const startup = {
      durationMs: Math.round(performance.now() - started),
      cpuMs: Math.round(cpuMs(minion.pid)),
    };
    const intended = await openIntended(nc);
    return new Fleet(
      {
        devices,
        files,
        nc,
        intended,
        observer,
        sim,
        watch,
        minion,
        natsServerPid: nats.pid as number,
        startup,
      },
      stops,
    );
  }
}

/** `node --cpu-prof` flags writing `<name>.cpuprofile`, when asked for. */
function profileFlags(options: BenchOptions, name: string): string[] {
  if (options.cpuProfile === undefined) {
    return [];
  }
  return [
    "--cpu-prof",
    "--cpu-prof-dir",
    options.cpuProfile,
    "--cpu-prof-name",
    `${name}.cpuprofile`,
  ];
}
