import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { performance } from "node:perf_hooks";
import type { KV, KvEntry } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { NcmError } from "../../core/errors.ts";
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

/**
 * Share of the lease within which our own last heartbeat must have started
 * for us to act as owner: the rest of the lease (40%) is the margin a
 * fenced commit has to reach its device before a peer may count us dead.
 */
export const FRESH_SHARE = 0.6;

/** Compare-and-set attempts at our name before giving up. */
const NAME_ATTEMPTS = 3;

type NamesakeNews = "beat" | "gone";

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
  /** KV revision of our last write under our name, null before the first. */
  #revision: number | null = null;
  #startedAt = performance.now();
  #disconnectedAt: number | null = null;
  #timer: NodeJS.Timeout | undefined;
  #follower: KvFollower | null = null;
  /** Told while start() waits to see whether a namesake is alive. */
  #namesakeNews: ((news: NamesakeNews) => void) | null = null;
  /** Namesake instances already reported while running. */
  readonly #namesakes = new Set<string>();

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

  /**
   * Joins: reads every member record, takes our name (refusing a live
   * namesake, see #takeName) and starts heartbeating.
   */
  async start(): Promise<void> {
    this.#follower = new KvFollower({
      nc: this.#nc,
      kv: this.#kv,
      onEntry: (entry) => this.#observe(entry),
      log: this.#log,
      name: "minions",
    });
    await this.#follower.start();
    await this.#takeName();
    this.#startedAt = performance.now();
    this.#timer = setInterval(
      () => void this.heartbeat(),
      this.#self.ttlMs / 3,
    );
    this.#timer.unref();
  }

  /** Writes our record; remembers when it last succeeded. */
  async heartbeat(): Promise<boolean> {
    const startedAt = performance.now();
    try {
      this.#revision = await this.#kv.put(this.#self.name, this.#value());
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
    return performance.now() - this.#lastBeat < this.#self.ttlMs * FRESH_SHARE;
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

  /**
   * Leaves the group at once: peers take our devices without waiting. Only
   * our own record is deleted, never a namesake's that replaced it.
   */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#follower?.stop();
    if (this.#revision === null) {
      return;
    }
    await this.#kv
      .delete(this.#self.name, { previousSeq: this.#revision })
      .catch(() => undefined);
  }

  /**
   * Takes our name by compare-and-set on its record. Two processes with one
   * name must never both run: each would take the other's devices, since a
   * device held under our name by another instance counts as left over
   * from our previous run. A record under our name that changes while we
   * watch is a live namesake, refused; one silent for its whole lease is a
   * crashed predecessor, and waiting it out lets a restart succeed.
   */
  async #takeName(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const namesake = this.#peers.get(this.#self.name);
      if (namesake !== undefined && !this.#isSelf(namesake.record)) {
        await this.#outlive(namesake);
      }
      const known = this.#peers.get(this.#self.name)?.revision;
      const startedAt = performance.now();
      try {
        this.#revision =
          known === undefined
            ? await this.#kv.create(this.#self.name, this.#value())
            : await this.#kv.update(this.#self.name, this.#value(), known);
        this.#lastBeat = startedAt;
        return;
      } catch (err) {
        if (attempt >= NAME_ATTEMPTS) {
          throw new NcmError(
            "nats",
            "NAME_NOT_TAKEN",
            `cannot write this minion's record ${JSON.stringify(this.#self.name)} in the minions bucket: ${(err as Error).message}`,
            { cause: err },
          );
        }
        // Someone wrote the record since we read it: look again.
        const entry = await this.#kv.get(this.#self.name);
        if (entry !== null) {
          this.#observe(entry);
        }
      }
    }
  }

  /** Waits until a namesake shows a sign of life, leaves, or stays silent. */
  async #outlive(namesake: Observed): Promise<void> {
    const { record } = namesake;
    const waitMs = Math.max(
      0,
      namesake.seenAt + record.ttlMs - performance.now(),
    );
    this.#log.info({
      event: "namesake-found",
      name: record.name,
      pid: record.pid,
      host: record.host,
      waitMs: Math.round(waitMs),
    });
    const news = await new Promise<NamesakeNews | "silent">((resolve) => {
      const timer = setTimeout(() => resolve("silent"), waitMs);
      this.#namesakeNews = (kind) => {
        clearTimeout(timer);
        resolve(kind);
      };
    });
    this.#namesakeNews = null;
    if (news === "beat") {
      const live = this.#peers.get(this.#self.name)?.record ?? record;
      throw duplicateName(this.#self.name, live);
    }
    if (news === "silent") {
      this.#log.warn({
        event: "namesake-expired",
        name: record.name,
        pid: record.pid,
        host: record.host,
        heartbeatAt: record.heartbeatAt,
      });
    }
  }

  #isSelf(record: MemberRecord): boolean {
    return record.instance === this.#self.instance;
  }

  #value(): string {
    return JSON.stringify({
      ...this.#self,
      heartbeatAt: new Date().toISOString(),
    });
  }

  #observe(entry: KvEntry): void {
    if (entry.operation !== "PUT") {
      this.#peers.delete(entry.key);
      if (entry.key === this.#self.name) {
        this.#namesakeNews?.("gone");
      }
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
    if (entry.key === this.#self.name && !this.#isSelf(record)) {
      this.#namesakeNews?.("beat");
      this.#reportNamesake(record);
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

  /**
   * Another process writes our name while we run: both started at the
   * same moment, or one was silent for a lease and came back. Devices will
   * move between the two until one is stopped.
   */
  #reportNamesake(record: MemberRecord): void {
    if (this.#revision === null || this.#namesakes.has(record.instance)) {
      return;
    }
    this.#namesakes.add(record.instance);
    this.#log.error(
      {
        event: "duplicate-name",
        name: record.name,
        pid: record.pid,
        host: record.host,
      },
      "another minion runs with this name: stop one or give it another --name",
    );
  }
}

function duplicateName(name: string, other: MemberRecord): NcmError {
  return new NcmError(
    "input",
    "DUPLICATE_NAME",
    `another minion named ${JSON.stringify(name)} is running (pid ${other.pid} on ${other.host}, started ${other.startedAt}): start this one with a different --name, or stop that one; if it has just died, start again once its lease (${other.ttlMs / 1000} s) has passed`,
    {
      retryable: false,
      details: { name, host: other.host, pid: other.pid },
    },
  );
}
