import { jetstream } from "@nats-io/jetstream";
import type { KV, KvEntry } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import PQueue from "p-queue";
import { UsageError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import { KvFollower } from "../core/nats/kv-follower.ts";
import {
  type DeviceControl,
  ensureEventsStream,
  eventSubject,
  openBackups,
  openControl,
  openHostKeys,
  openIntended,
  openMinions,
  openOwners,
  openStatus,
} from "../core/nats/resources.ts";
import { VERSION } from "../core/version.ts";
import { FunctionHost } from "../functions/host.ts";
import type { DeviceSpec, Inventory } from "../inventory/types.ts";
import type { MinionMetrics } from "../metrics/minion-metrics.ts";
import type { BackoffOptions } from "./backoff.ts";
import { DeviceWorker } from "./device-worker.ts";
import { createDriver, type DriverOptions } from "./drivers/create-driver.ts";
import type { DeviceDriver } from "./drivers/types.ts";
import { Ownership } from "./ownership/ownership.ts";
import type { IntendedConfig } from "./reconcile-pass.ts";
import { LatestValueWriter, OrderedAppender } from "./retrying-writer.ts";
import { assertCron, DEFAULT_INTERVAL, Schedule } from "./schedule.ts";
import { logSweep, summariseSweep } from "./sweep-summary.ts";
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
  /** Shown as `owner` in status and events; unique among minions. */
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
  /** A minion silent this long loses its devices to its peers. */
  leaseMs?: number;
  log: Logger;
  backoff?: BackoffOptions;
  /** Timeouts of every device's driver. */
  driver?: Pick<DriverOptions, "connectTimeoutMs" | "commandTimeoutMs">;
  /** Prometheus metrics this minion feeds (`--metrics-port`). */
  metrics?: MinionMetrics;
}

/** Defaults, kept in one place. */
export const MINION_DEFAULTS = {
  mode: "enforce" as Mode,
  interval: DEFAULT_INTERVAL,
  commitTimerSeconds: 120,
  concurrency: 64,
  replicas: 1,
  prefix: "ncm",
  leaseMs: 15_000,
};

/**
 * Status and event writes in flight at once, each for another device (a
 * device's own events stay in order). One at a time, the events of a
 * thousand devices changed together trailed the changes by seconds.
 */
const WRITES_IN_FLIGHT = 16;

/** How long shutdown waits for in-flight passes before closing anyway. */
const STOP_GRACE_MS = 30_000;

interface Managed {
  worker: DeviceWorker;
  driver: DeviceDriver;
}

/**
 * The minion: one worker per device it owns, fed by one watch over the
 * `intended` bucket and by the schedule, writing status and events. Which
 * devices it owns is decided with its peers through leases (ownership/).
 */
export class Minion {
  readonly name: string;
  readonly #options: MinionOptions;
  readonly #log: Logger;
  readonly #specs = new Map<string, DeviceSpec>();
  readonly #managed = new Map<string, Managed>();
  /** Latest intended value of every candidate device, owned or not. */
  readonly #intendedValues = new Map<string, IntendedConfig | null>();
  readonly #intendedSeen = new Map<string, number>();
  readonly #controls = new Map<string, DeviceControl>();
  readonly #schedule = new Schedule();
  readonly #limiter: PQueue;
  #statusWriter!: LatestValueWriter<DeviceStatus>;
  #eventWriter!: OrderedAppender<NcmEvent>;
  #status!: KV;
  #intended!: KV;
  /** Pinned SSH host keys, shared with every other minion. */
  #hostKeys!: KV;
  #watches: { stop(): void }[] = [];
  #intendedFollower: KvFollower | null = null;
  #functions: FunctionHost | null = null;
  #ownership: Ownership | null = null;
  #stopped = false;

  private constructor(options: MinionOptions) {
    this.name = options.name;
    this.#options = options;
    this.#log = options.log.child({ component: "minion", owner: options.name });
    this.#limiter = new PQueue({
      concurrency: options.concurrency ?? MINION_DEFAULTS.concurrency,
    });
  }

  /**
   * Resolves once the minion manages the devices it owns. A start that
   * fails (another minion runs under this name, NATS too slow to deliver
   * the current state) undoes what it had started.
   */
  static async start(options: MinionOptions): Promise<Minion> {
    const minion = new Minion(options);
    try {
      await minion.#start();
    } catch (err) {
      await minion.stop().catch(() => undefined);
      throw err;
    }
    return minion;
  }

  /** Devices this minion owns now. */
  get devices(): string[] {
    return [...this.#managed.keys()].sort();
  }

  status(device: string): DeviceStatus | undefined {
    return this.#managed.get(device)?.worker.status;
  }

  /** Reconciles one device now; joins a pass already waiting. */
  reconcile(device: string): Promise<ReconcileOutcome> {
    return this.#worker(device).request("manual");
  }

  reconcileAll(): Promise<ReconcileOutcome[]> {
    return Promise.all(
      this.devices.map((device) => this.#worker(device).request("manual")),
    );
  }

  /**
   * Stops cleanly: hands devices back, lets in-flight passes finish or
   * abort their session (never commit), then flushes status and events.
   */
  async stop(): Promise<void> {
    if (this.#stopped) {
      return;
    }
    this.#stopped = true;
    this.#schedule.stop();
    this.#options.metrics?.stop();
    await this.#functions?.stop().catch(() => undefined);
    for (const watch of this.#watches) {
      watch.stop();
    }
    const released = this.#ownership?.stop() ?? Promise.resolve();
    await Promise.race([released, delay(STOP_GRACE_MS)]);
    // Unset only when the start failed before any device was managed.
    if (this.#statusWriter !== undefined) {
      await Promise.all([
        this.#statusWriter.flush(),
        this.#eventWriter.flush(),
      ]);
      this.#statusWriter.close();
      this.#eventWriter.close();
    }
    this.#log.info({ event: "minion-stopped" });
  }

  #worker(device: string): DeviceWorker {
    const managed = this.#managed.get(device);
    if (managed === undefined) {
      throw new UsageError(
        `device ${JSON.stringify(device)} is not managed by minion ${this.name}`,
      );
    }
    return managed.worker;
  }

  async #start(): Promise<void> {
    const { nc } = this.#options;
    const replicas = this.#options.replicas ?? MINION_DEFAULTS.replicas;
    for (const spec of selectDevices(
      this.#options.inventory,
      this.#options.devices,
    )) {
      this.#specs.set(spec.name, spec);
    }
    this.#intended = await openIntended(nc, { replicas });
    this.#status = await openStatus(nc, { replicas });
    await ensureEventsStream(nc, { replicas });
    this.#hostKeys = await openHostKeys(nc, { replicas });
    this.#openWriters();
    this.#bindMetrics();
    await this.#watchControl(await openControl(nc, { replicas }));
    await this.#watchIntended();
    this.#functions = await FunctionHost.start({
      nc,
      prefix: this.#options.prefix ?? MINION_DEFAULTS.prefix,
      worker: (device) => this.#managed.get(device)?.worker,
      intended: this.#intended,
      backups: await openBackups(nc, { replicas }),
      log: this.#log,
      version: VERSION,
    });
    await this.#startOwnership(replicas);
    this.#startSchedule();
    this.#log.info({
      event: "minion-started",
      candidates: this.#specs.size,
      owned: this.#managed.size,
      mode: this.#mode(),
    });
  }

  #mode(): Mode {
    return this.#options.mode ?? MINION_DEFAULTS.mode;
  }

  #openWriters(): void {
    const js = jetstream(this.#options.nc);
    const status = this.#status;
    this.#statusWriter = new LatestValueWriter(
      async (key, value) => {
        await status.put(key, JSON.stringify(value));
      },
      this.#log,
      { concurrency: WRITES_IN_FLIGHT },
    );
    this.#eventWriter = new OrderedAppender(
      async (event) => {
        await js.publish(eventSubject(event.device), JSON.stringify(event));
      },
      this.#log,
      { keyOf: (event) => event.device, concurrency: WRITES_IN_FLIGHT },
    );
  }

  #bindMetrics(): void {
    this.#options.metrics?.bind({
      statuses: () => [...this.#managed.values()].map((m) => m.worker.status),
      queue: this.#limiter,
    });
    this.#options.metrics?.watchNats(this.#options.nc);
  }

  async #startOwnership(replicas: number): Promise<void> {
    const { nc } = this.#options;
    const ownership = new Ownership({
      nc,
      minions: await openMinions(nc, { replicas }),
      owners: await openOwners(nc, { replicas }),
      name: this.name,
      candidates: [...this.#specs.keys()],
      ttlMs: this.#options.leaseMs ?? MINION_DEFAULTS.leaseMs,
      onAcquire: (device) => this.#manage(device),
      onRelease: (device) => this.#unmanage(device),
      log: this.#log,
    });
    this.#ownership = ownership;
    void this.#followReconnects(ownership);
    await ownership.start();
  }

  async #followReconnects(ownership: Ownership): Promise<void> {
    for await (const status of this.#options.nc.status()) {
      if (status.type === "disconnect") {
        ownership.disconnected();
      } else if (status.type === "reconnect") {
        ownership.reconnected();
      }
    }
  }

  /** Starts managing a device this minion has just claimed. */
  async #manage(device: string): Promise<void> {
    const spec = this.#specs.get(device);
    if (spec === undefined || this.#managed.has(device) || this.#stopped) {
      return;
    }
    const log = this.#options.log.child({ device });
    const driver = createDriver(spec, {
      ...this.#options.driver,
      log,
      onSshConnection: this.#options.metrics?.sshConnection,
      hostKeys: { bucket: this.#hostKeys, by: this.name },
    });
    const worker = new DeviceWorker({
      spec,
      driver,
      owner: this.name,
      mode: this.#mode(),
      commitTimerSeconds:
        this.#options.commitTimerSeconds ?? MINION_DEFAULTS.commitTimerSeconds,
      limiter: this.#limiter,
      log,
      publishStatus: (s) => this.#statusWriter.set(s.device, s),
      publishEvent: (e) => {
        this.#eventWriter.push(e);
        this.#options.metrics?.eventPublished(e);
      },
      onPassDone: (o) => this.#options.metrics?.passFinished(o),
      backoff: this.#options.backoff,
      beforeWork: () => this.#ownership?.assertProvable(device),
      beforeCommit: () => this.#ownership?.fence(device) ?? Promise.resolve(),
    });
    this.#managed.set(device, { worker, driver });
    worker.restore(
      parseStatus(await this.#status.get(device).catch(() => null)),
    );
    void worker.setIntended(this.#intendedValues.get(device) ?? null);
    // Synchronous, so the pass just asked for already sees the switch.
    const control = this.#controls.get(device);
    worker.setPaused(control?.paused ?? false, control?.by);
  }

  /** Stops managing a device; resolves once nothing runs on it. */
  async #unmanage(device: string): Promise<void> {
    const managed = this.#managed.get(device);
    if (managed === undefined) {
      return;
    }
    this.#managed.delete(device);
    await managed.worker.stop();
    await managed.driver.close().catch(() => undefined);
    // Its in-flight pass has ended: nothing more reaches the device from us.
    this.#log.info({ event: "device-unmanaged", device });
  }

  /**
   * One watch over the whole bucket rather than one per device: a thousand
   * devices cost one consumer on the server (nats-server 2.9 cannot filter
   * a consumer on several keys).
   */
  async #watchIntended(): Promise<void> {
    const follower = new KvFollower({
      nc: this.#options.nc,
      kv: this.#intended,
      onEntry: (entry) => this.#onIntended(entry),
      log: this.#log,
      name: "intended",
    });
    this.#intendedFollower = follower;
    this.#watches.push(follower);
    // Resolves once every candidate has its intended value, so ownership
    // (started next) never takes a device for unmanaged by a race at start.
    await follower.start();
  }

  #onIntended(entry: KvEntry): void {
    if (!this.#specs.has(entry.key)) {
      return;
    }
    // A restarted watch delivers the current values again: skip what we have.
    if (entry.revision <= (this.#intendedSeen.get(entry.key) ?? 0)) {
      return;
    }
    this.#intendedSeen.set(entry.key, entry.revision);
    const value =
      entry.operation === "PUT"
        ? { revision: entry.revision, text: entry.string() }
        : null;
    this.#intendedValues.set(entry.key, value);
    const worker = this.#managed.get(entry.key)?.worker;
    if (value === null) {
      this.#log.info({
        event: "intended-removed",
        device: entry.key,
        revision: entry.revision,
      });
    }
    void worker?.setIntended(value);
  }

  /**
   * Pause switches live in the `control` bucket, written by `ncm pause`, so
   * they survive minion restarts and apply to whichever minion owns the
   * device.
   */
  async #watchControl(control: KV): Promise<void> {
    const follower = new KvFollower({
      nc: this.#options.nc,
      kv: control,
      onEntry: (entry) => this.#onControl(entry),
      log: this.#log,
      name: "control",
    });
    this.#watches.push(follower);
    // Every switch must be known before the first device is taken: #manage
    // applies it at once, and a switch not read yet would un-pause.
    await follower.start();
  }

  #onControl(entry: KvEntry): void {
    const value = entry.operation === "PUT" ? parseControl(entry) : null;
    if (value === null) {
      this.#controls.delete(entry.key);
    } else {
      this.#controls.set(entry.key, value);
    }
    this.#managed
      .get(entry.key)
      ?.worker.setPaused(value?.paused ?? false, value?.by);
  }

  /**
   * While the intended watch is broken (its consumer died with a server and
   * cannot be recreated yet), a scheduled pass reads its device's intended
   * value directly, so a sweep still applies what was written meanwhile.
   */
  async #refreshIntended(device: string): Promise<void> {
    if (this.#intendedFollower?.healthy !== false) {
      return;
    }
    const entry = await this.#intended.get(device).catch(() => null);
    if (entry !== null) {
      this.#onIntended(entry);
    }
  }

  #startSchedule(): void {
    const groups = new Map<string, string[]>();
    const fallback = assertCron(
      this.#options.interval ?? MINION_DEFAULTS.interval,
    );
    for (const spec of this.#specs.values()) {
      const interval =
        spec.interval === undefined
          ? fallback
          : assertCron(spec.interval, `interval of ${spec.name}`);
      groups.set(interval, [...(groups.get(interval) ?? []), spec.name]);
    }
    for (const [interval, devices] of groups) {
      this.#schedule.add(
        interval,
        () => devices.filter((d) => this.#managed.has(d)),
        async (device) => {
          await this.#refreshIntended(device);
          return this.#managed.get(device)?.worker.request("schedule");
        },
        (outcomes, ms) => logSweep(this.#log, summariseSweep(outcomes, ms)),
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
