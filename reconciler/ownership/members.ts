import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { performance } from "node:perf_hooks";
import type { KV, KvEntry } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Logger } from "../../core/log.ts";
import { KvFollower } from "../../core/nats/kv-follower.ts";

/** What a live minion announces in the `minions` bucket. */
export interface MemberRecord {
  name: string;
  /** Random per process: tells a restarted minion from its predecessor. */
  instance: string;
  host: string;
  pid: number;
  /**
   * Digest of the devices the minion may own. Devices are spread only over
   * minions with the same digest, so minions with different inventories
   * never hand a device to one that does not know it.
   */
  group: string;
  devices: number;
  startedAt: string;
  heartbeatAt: string;
  /** How long after its last heartbeat the minion counts as dead. */
  ttlMs: number;
}

interface Observed {
  record: MemberRecord;
  /** KV revision of the record: only a newer one is a heartbeat. */
  revision: number;
  /** performance.now() when its record last changed, on this host's clock. */
  seenAt: number;
}

export interface MembersOptions {
  nc: NatsConnection;
  kv: KV;
  self: Omit<MemberRecord, "heartbeatAt" | "host" | "pid" | "startedAt">;
  log: Logger;
}

/**
 * Membership by heartbeat. A peer is alive while its record keeps changing:
 * liveness is judged by when this minion last saw the record change, on its
 * own monotonic clock, so clock skew between hosts cannot kill a peer.
 */
export class Members extends EventEmitter<{ change: [] }> {
  readonly #kv: KV;
  readonly #nc: NatsConnection;
  readonly #self: MemberRecord;
  readonly #log: Logger;
  readonly #peers = new Map<string, Observed>();
  #lastBeat = Number.NEGATIVE_INFINITY;
  #startedAt = performance.now();
  #disconnectedAt: number | null = null;
  #timer: NodeJS.Timeout | undefined;
  #follower: KvFollower | null = null;

  constructor(options: MembersOptions) {
    super();
    this.#kv = options.kv;
    this.#nc = options.nc;
    this.#log = options.log;
    const now = new Date().toISOString();
    this.#self = {
      ...options.self,
      host: hostname(),
      pid: process.pid,
      startedAt: now,
      heartbeatAt: now,
    };
  }

  get name(): string {
    return this.#self.name;
  }

  get instance(): string {
    return this.#self.instance;
  }

  get ttlMs(): number {
    return this.#self.ttlMs;
  }

  async start(): Promise<void> {
    this.#startedAt = performance.now();
    this.#follower = new KvFollower({
      nc: this.#nc,
      kv: this.#kv,
      onEntry: (entry) => this.#observe(entry),
      log: this.#log,
      name: "minions",
    });
    await this.#follower.start();
    await this.heartbeat();
    this.#timer = setInterval(
      () => void this.heartbeat(),
      this.#self.ttlMs / 3,
    );
    this.#timer.unref();
  }

  /** Writes our record; remembers when it last succeeded. */
  async heartbeat(): Promise<boolean> {
    const startedAt = performance.now();
    const record = { ...this.#self, heartbeatAt: new Date().toISOString() };
    try {
      await this.#kv.put(this.#self.name, JSON.stringify(record));
      this.#lastBeat = startedAt;
      return true;
    } catch (err) {
      this.#log.warn({
        event: "heartbeat-failed",
        err: (err as Error).message,
      });
      return false;
    }
  }

  /**
   * True while our own heartbeat is recent enough that no peer can yet
   * have declared us dead; the margin covers the time a commit takes.
   */
  selfFresh(): boolean {
    return performance.now() - this.#lastBeat < this.#self.ttlMs * 0.6;
  }

  isLive(name: string, instance?: string): boolean {
    if (
      name === this.#self.name &&
      (instance === undefined || instance === this.#self.instance)
    ) {
      return true;
    }
    const peer = this.#peers.get(name);
    if (peer === undefined) {
      // Right after our start the watch may not have shown every peer yet:
      // an unknown owner gets one lease of benefit of the doubt.
      return performance.now() - this.#startedAt < this.#self.ttlMs;
    }
    if (instance !== undefined && peer.record.instance !== instance) {
      return false;
    }
    return performance.now() - peer.seenAt < peer.record.ttlMs;
  }

  /** Live members of our group, ourselves included, sorted. */
  liveInGroup(): string[] {
    const names = [this.#self.name];
    for (const [name, peer] of this.#peers) {
      if (
        name !== this.#self.name &&
        peer.record.group === this.#self.group &&
        this.isLive(name)
      ) {
        names.push(name);
      }
    }
    return names.sort();
  }

  /**
   * After a NATS outage nobody could heartbeat: start every peer's clock
   * afresh rather than declare them all dead at once.
   */
  resetObservations(): void {
    const now = performance.now();
    const lostAt = this.#disconnectedAt ?? now;
    for (const peer of this.#peers.values()) {
      // Only peers alive when we lost contact: a peer already dead then
      // must not come back to life because we were away.
      if (lostAt - peer.seenAt < peer.record.ttlMs) {
        peer.seenAt = now;
      }
    }
    this.#disconnectedAt = null;
  }

  /** Remembers when we lost NATS, for {@link resetObservations}. */
  disconnected(): void {
    this.#disconnectedAt ??= performance.now();
  }

  /** Leaves the group at once: peers take our devices without waiting. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#follower?.stop();
    await this.#kv.delete(this.#self.name).catch(() => undefined);
  }

  #observe(entry: KvEntry): void {
    if (entry.operation !== "PUT") {
      this.#peers.delete(entry.key);
      this.emit("change");
      return;
    }
    let record: MemberRecord;
    try {
      record = entry.json<MemberRecord>();
    } catch {
      return;
    }
    const known = this.#peers.get(entry.key);
    if (known !== undefined && known.revision >= entry.revision) {
      // A restarted watch replays current records: no sign of life.
      return;
    }
    this.#peers.set(entry.key, {
      record,
      revision: entry.revision,
      seenAt: performance.now(),
    });
    if (known === undefined) {
      this.emit("change");
    }
  }
}
