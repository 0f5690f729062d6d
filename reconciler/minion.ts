import type { NatsConnection } from "@nats-io/nats-core";
import { jetstream } from "@nats-io/jetstream";
import type { KV, KvEntry } from "@nats-io/kv";
import PQueue from "p-queue";
import { UsageError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import {
  type DeviceControl,
  ensureEventsStream,
  eventSubject,
  openBackups,
  openControl,
  openIntended,
  openStatus,
} from "../core/nats/resources.ts";
import { VERSION } from "../core/version.ts";
import { FunctionHost } from "../functions/host.ts";
import type { DeviceSpec, Inventory } from "../inventory/types.ts";
import type { BackoffOptions } from "./backoff.ts";
import { DeviceWorker } from "./device-worker.ts";
import { createDriver } from "./drivers/create-driver.ts";
import type { DeviceDriver } from "./drivers/types.ts";
import { LatestValueWriter, OrderedAppender } from "./retrying-writer.ts";
import { assertCron, DEFAULT_INTERVAL, Schedule } from "./schedule.ts";
import type {
  DeviceStatus,
  Mode,
  NcmEvent,
  ReconcileOutcome,
} from "./types.ts";

export interface MinionOptions {
  nc: NatsConnection;
  inventory: Inventory;
  /** Limits the minion to these devices (`--devices`). */
  devices?: string[];
  /** Shown as `owner` in status and events. */
  name: string;
  mode?: Mode;
  /** Cron expression of the scheduled reconcile. */
  interval?: string;
  /** Seconds the device waits for confirmation before reverting. */
  commitTimerSeconds?: number;
  /** Devices worked on at the same time, minion-wide. */
  concurrency?: number;
  replicas?: number;
  /** Subject prefix of the functions. */
  prefix?: string;
  log: Logger;
  backoff?: BackoffOptions;
}

/** Defaults, kept in one place. */
export const MINION_DEFAULTS = {
  mode: "enforce" as Mode,
  interval: DEFAULT_INTERVAL,
  commitTimerSeconds: 120,
  concurrency: 64,
  replicas: 1,
  prefix: "ncm",
};

/** Longest wait at start for the watch to deliver the current values. */
const INITIAL_WATCH_MS = 30_000;

/** How long shutdown waits for in-flight passes before closing anyway. */
const STOP_GRACE_MS = 30_000;

/**
 * The minion: one worker per owned device, fed by one watch over the
 * `intended` bucket and by the schedule, writing status and events.
 */
export class Minion {
  readonly name: string;
  readonly #options: MinionOptions;
  readonly #log: Logger;
  readonly #workers = new Map<string, DeviceWorker>();
  readonly #drivers: DeviceDriver[] = [];
  readonly #schedule = new Schedule();
  #statusWriter!: LatestValueWriter<DeviceStatus>;
  #eventWriter!: OrderedAppender<NcmEvent>;
  #intended!: KV;
  #watches: { stop(): void }[] = [];
  #functions: FunctionHost | null = null;
  #stopped = false;

  private constructor(options: MinionOptions) {
    this.name = options.name;
    this.#options = options;
    this.#log = options.log.child({ component: "minion", owner: options.name });
  }

  static async start(options: MinionOptions): Promise<Minion> {
    const minion = new Minion(options);
    await minion.#start();
    return minion;
  }

  get devices(): string[] {
    return [...this.#workers.keys()];
  }

  status(device: string): DeviceStatus | undefined {
    return this.#workers.get(device)?.status;
  }

  /** Reconciles one device now; joins a pass already waiting. */
  reconcile(device: string): Promise<ReconcileOutcome> {
    return this.#worker(device).request("manual");
  }

  reconcileAll(): Promise<ReconcileOutcome[]> {
    return Promise.all(
      [...this.#workers.values()].map((w) => w.request("manual")),
    );
  }

  setPaused(device: string, paused: boolean, by?: string): void {
    this.#worker(device).setPaused(paused, by);
  }

  /**
   * Stops cleanly: no new passes, in-flight ones finish or abort their
   * session (never commit), then status and events are flushed.
   */
  async stop(): Promise<void> {
    if (this.#stopped) {
      return;
    }
    this.#stopped = true;
    this.#schedule.stop();
    await this.#functions?.stop().catch(() => undefined);
    for (const watch of this.#watches) {
      watch.stop();
    }
    const workers = Promise.all(
      [...this.#workers.values()].map((w) => w.stop()),
    );
    await Promise.race([workers, delay(STOP_GRACE_MS)]);
    await Promise.all(
      this.#drivers.map((d) => d.close().catch(() => undefined)),
    );
    await Promise.all([this.#statusWriter.flush(), this.#eventWriter.flush()]);
    this.#statusWriter.close();
    this.#eventWriter.close();
    this.#log.info({ event: "minion-stopped" });
  }

  #worker(device: string): DeviceWorker {
    const worker = this.#workers.get(device);
    if (worker === undefined) {
      throw new UsageError(
        `device ${JSON.stringify(device)} is not managed by minion ${this.name}`,
      );
    }
    return worker;
  }

  async #start(): Promise<void> {
    const { nc } = this.#options;
    const replicas = this.#options.replicas ?? MINION_DEFAULTS.replicas;
    const specs = selectDevices(this.#options.inventory, this.#options.devices);
    this.#intended = await openIntended(nc, { replicas });
    const status = await openStatus(nc, { replicas });
    await ensureEventsStream(nc, { replicas });
    this.#openWriters(status);
    this.#createWorkers(specs);
    await this.#restore(status);
    await this.#watchControl(await openControl(nc, { replicas }));
    await this.#watchIntended();
    this.#functions = await FunctionHost.start({
      nc,
      prefix: this.#options.prefix ?? MINION_DEFAULTS.prefix,
      worker: (device) => this.#workers.get(device),
      intended: this.#intended,
      backups: await openBackups(nc, { replicas }),
      log: this.#log,
      version: VERSION,
    });
    this.#startSchedule(specs);
    this.#log.info({
      event: "minion-started",
      devices: specs.length,
      mode: this.#mode(),
    });
  }

  #mode(): Mode {
    return this.#options.mode ?? MINION_DEFAULTS.mode;
  }

  #openWriters(status: KV): void {
    const js = jetstream(this.#options.nc);
    this.#statusWriter = new LatestValueWriter(async (key, value) => {
      await status.put(key, JSON.stringify(value));
    }, this.#log);
    this.#eventWriter = new OrderedAppender(async (event) => {
      await js.publish(eventSubject(event.device), JSON.stringify(event));
    }, this.#log);
  }

  #createWorkers(specs: DeviceSpec[]): void {
    const limiter = new PQueue({
      concurrency: this.#options.concurrency ?? MINION_DEFAULTS.concurrency,
    });
    for (const spec of specs) {
      const log = this.#options.log.child({ device: spec.name });
      const driver = createDriver(spec, { log });
      this.#drivers.push(driver);
      this.#workers.set(
        spec.name,
        new DeviceWorker({
          spec,
          driver,
          owner: this.name,
          mode: this.#mode(),
          commitTimerSeconds:
            this.#options.commitTimerSeconds ??
            MINION_DEFAULTS.commitTimerSeconds,
          limiter,
          log,
          publishStatus: (s) => this.#statusWriter.set(s.device, s),
          publishEvent: (e) => this.#eventWriter.push(e),
          backoff: this.#options.backoff,
        }),
      );
    }
  }

  /** Picks up hashes and pause flags a previous run left in `status`. */
  async #restore(status: KV): Promise<void> {
    const queue = new PQueue({ concurrency: 32 });
    await queue.addAll(
      [...this.#workers.values()].map((worker) => async () => {
        const entry = await status.get(worker.device);
        worker.restore(parseStatus(entry));
      }),
    );
  }

  /**
   * One watch over the whole bucket rather than one per device: a thousand
   * devices cost one consumer on the server (nats-server 2.9 cannot filter
   * a consumer on several keys).
   */
  async #watchIntended(): Promise<void> {
    const present = new Set<string>();
    for await (const key of await this.#intended.keys()) {
      present.add(key);
    }
    const awaited = new Set<string>();
    for (const worker of this.#workers.values()) {
      if (present.has(worker.device)) {
        awaited.add(worker.device);
      } else {
        void worker.setIntended(null);
      }
    }
    const caughtUp = deferred();
    if (awaited.size === 0) {
      caughtUp.resolve();
    }
    const watch = await this.#intended.watch();
    this.#watches.push(watch);
    void (async () => {
      for await (const entry of watch) {
        this.#onIntended(entry);
        if (awaited.delete(entry.key) && awaited.size === 0) {
          caughtUp.resolve();
        }
      }
    })();
    // Start is done once every owned device has its intended value, so a
    // reconcile asked for right after start never sees "unmanaged" by race.
    await Promise.race([caughtUp.promise, delay(INITIAL_WATCH_MS)]);
  }

  /**
   * Pause switches live in the `control` bucket, written by `ncm pause`, so
   * they survive minion restarts and apply to whichever minion owns the
   * device.
   */
  async #watchControl(control: KV): Promise<void> {
    const watch = await control.watch();
    this.#watches.push(watch);
    void (async () => {
      for await (const entry of watch) {
        const worker = this.#workers.get(entry.key);
        if (worker === undefined) {
          continue;
        }
        const value = entry.operation === "PUT" ? parseControl(entry) : null;
        worker.setPaused(value?.paused ?? false, value?.by);
      }
    })();
  }

  #onIntended(entry: KvEntry): void {
    const worker = this.#workers.get(entry.key);
    if (worker === undefined) {
      return;
    }
    if (entry.operation !== "PUT") {
      this.#log.info({
        event: "intended-removed",
        device: entry.key,
        revision: entry.revision,
      });
      void worker.setIntended(null);
      return;
    }
    void worker.setIntended({ revision: entry.revision, text: entry.string() });
  }

  #startSchedule(specs: DeviceSpec[]): void {
    const groups = new Map<string, string[]>();
    const fallback = assertCron(
      this.#options.interval ?? MINION_DEFAULTS.interval,
    );
    for (const spec of specs) {
      const interval =
        spec.interval === undefined
          ? fallback
          : assertCron(spec.interval, `interval of ${spec.name}`);
      groups.set(interval, [...(groups.get(interval) ?? []), spec.name]);
    }
    for (const [interval, devices] of groups) {
      this.#schedule.add(
        interval,
        () => devices,
        (device) => {
          void this.#workers.get(device)?.request("schedule");
        },
      );
    }
  }
}

/** The inventory's devices, limited by `--devices` (unknown names refused). */
export function selectDevices(
  inventory: Inventory,
  only?: string[],
): DeviceSpec[] {
  if (only === undefined || only.length === 0) {
    return inventory.devices;
  }
  const known = new Map(inventory.devices.map((d) => [d.name, d]));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `--devices names ${unknown.map((n) => JSON.stringify(n)).join(", ")}, not in ${inventory.source}`,
    );
  }
  return only.map((name) => known.get(name) as DeviceSpec);
}

function parseStatus(entry: KvEntry | null): DeviceStatus | null {
  if (entry === null || entry.operation !== "PUT") {
    return null;
  }
  try {
    return entry.json<DeviceStatus>();
  } catch {
    return null;
  }
}

function parseControl(entry: KvEntry): DeviceControl | null {
  try {
    const value = entry.json<DeviceControl>();
    return typeof value.paused === "boolean" ? value : null;
  } catch {
    return null;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
