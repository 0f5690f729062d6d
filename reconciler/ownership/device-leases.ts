import { EventEmitter } from "node:events";
import type { KV, KvEntry } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { NcmError } from "../../core/errors.ts";
import type { Logger } from "../../core/log.ts";
import { KvFollower } from "../../core/nats/kv-follower.ts";
import { type LeaderEntry, leaderGet } from "../../core/nats/leader-get.ts";
import { OWNERS_BUCKET } from "../../core/nats/resources.ts";

/** The value under a device's key in the `owners` bucket. */
export interface OwnerRecord {
  /** Minion name, or null once released. */
  owner: string | null;
  instance: string | null;
  at: string;
}

interface Known {
  record: OwnerRecord | null;
  revision: number;
}

export interface DeviceLeasesOptions {
  nc: NatsConnection;
  kv: KV;
  name: string;
  instance: string;
  log: Logger;
}

/**
 * Device ownership records, changed only by compare-and-set on the KV
 * revision: two minions can never both believe they won the same device.
 * The revision we wrote is our fencing token.
 */
export class DeviceLeases extends EventEmitter<{ change: [device: string] }> {
  readonly #kv: KV;
  readonly #nc: NatsConnection;
  readonly #name: string;
  readonly #instance: string;
  readonly #log: Logger;
  readonly #known = new Map<string, Known>();
  /** Devices we hold, with the revision of our claim. */
  readonly #held = new Map<string, number>();
  #follower: KvFollower | null = null;

  constructor(options: DeviceLeasesOptions) {
    super();
    this.#kv = options.kv;
    this.#nc = options.nc;
    this.#name = options.name;
    this.#instance = options.instance;
    this.#log = options.log;
  }

  /** Resolves once the current records have been read. */
  async start(): Promise<void> {
    this.#follower = new KvFollower({
      nc: this.#nc,
      kv: this.#kv,
      onEntry: (entry) => {
        if (this.#remember(entry)) {
          this.emit("change", entry.key);
        }
      },
      log: this.#log,
      name: "owners",
    });
    await this.#follower.start();
  }

  stop(): void {
    this.#follower?.stop();
  }

  current(device: string): OwnerRecord | null {
    return this.#known.get(device)?.record ?? null;
  }

  holds(device: string): boolean {
    return this.#held.has(device);
  }

  held(): string[] {
    return [...this.#held.keys()];
  }

  /** False once the record no longer carries our claim's revision. */
  stillMine(device: string): boolean {
    const revision = this.#held.get(device);
    return (
      revision !== undefined && this.#known.get(device)?.revision === revision
    );
  }

  /** Compare-and-set claim; false when someone else changed it first. */
  async claim(device: string): Promise<boolean> {
    const known = this.#known.get(device);
    const value = JSON.stringify({
      owner: this.#name,
      instance: this.#instance,
      at: new Date().toISOString(),
    });
    try {
      const revision =
        known === undefined
          ? await this.#kv.create(device, value)
          : await this.#kv.update(device, value, known.revision);
      this.#held.set(device, revision);
      this.#known.set(device, {
        record: JSON.parse(value) as OwnerRecord,
        revision,
      });
      this.#log.info({ event: "device-claimed", device, revision });
      return true;
    } catch (err) {
      this.#log.debug({
        event: "claim-lost",
        device,
        err: (err as Error).message,
      });
      await this.#refresh(device);
      return false;
    }
  }

  /**
   * After a lost compare-and-set our copy of the record is stale (the watch
   * may be down after a failover): read it from the leader so the next
   * rebalance decides on what is really there.
   */
  async #refresh(device: string): Promise<void> {
    try {
      const entry = await leaderGet(this.#nc, OWNERS_BUCKET, device);
      if (entry !== null) {
        this.#rememberRaw(device, entry);
      }
    } catch {
      // NATS unreachable: the next rebalance tries again.
    }
  }

  /** Hands the device back so the minion it belongs to can claim it at once. */
  async release(device: string): Promise<void> {
    const revision = this.#held.get(device);
    this.#held.delete(device);
    if (revision === undefined) {
      return;
    }
    const value = JSON.stringify({
      owner: null,
      instance: null,
      at: new Date().toISOString(),
    });
    try {
      await this.#kv.update(device, value, revision);
      this.#log.info({ event: "device-released", device });
    } catch (err) {
      this.#log.debug({
        event: "release-skipped",
        device,
        err: (err as Error).message,
      });
    }
  }

  /** Forgets a device lost to another minion. */
  forget(device: string): void {
    this.#held.delete(device);
  }

  /**
   * Reads the record from the server and throws unless it still carries
   * our claim: the fencing check right before a commit.
   */
  async verify(device: string): Promise<void> {
    const revision = this.#held.get(device);
    const entry = await leaderGet(this.#nc, OWNERS_BUCKET, device);
    if (
      revision === undefined ||
      entry === null ||
      entry.revision !== revision
    ) {
      // What we just read is news the watch may not have brought yet.
      if (entry !== null) {
        this.#rememberRaw(device, entry);
      }
      throw new NcmError(
        "fenced",
        "LEASE_LOST",
        `${device}: this minion no longer owns the device (another minion claimed it); commit refused`,
        { retryable: false },
      );
    }
  }

  #rememberRaw(device: string, entry: LeaderEntry): void {
    const known = this.#known.get(device);
    if (known !== undefined && known.revision >= entry.revision) {
      return;
    }
    let record: OwnerRecord | null = null;
    if (entry.operation === "PUT") {
      try {
        record = JSON.parse(
          new TextDecoder().decode(entry.data),
        ) as OwnerRecord;
      } catch {
        record = null;
      }
    }
    this.#known.set(device, { record, revision: entry.revision });
  }

  /** Keeps the newest revision per device; false for stale news. */
  #remember(entry: KvEntry): boolean {
    const known = this.#known.get(entry.key);
    if (known !== undefined && known.revision >= entry.revision) {
      return false;
    }
    let record: OwnerRecord | null = null;
    if (entry.operation === "PUT") {
      try {
        record = entry.json<OwnerRecord>();
      } catch {
        record = null;
      }
    }
    this.#known.set(entry.key, { record, revision: entry.revision });
    return true;
  }
}
