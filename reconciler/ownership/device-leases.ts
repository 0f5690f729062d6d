import { EventEmitter } from "node:events";
import type { KV, KvEntry } from "@nats-io/kv";
import { NcmError } from "../../core/errors.ts";
import type { Logger } from "../../core/log.ts";

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
  readonly #name: string;
  readonly #instance: string;
  readonly #log: Logger;
  readonly #known = new Map<string, Known>();
  /** Devices we hold, with the revision of our claim. */
  readonly #held = new Map<string, number>();
  #watch: { stop(): void } | null = null;

  constructor(options: DeviceLeasesOptions) {
    super();
    this.#kv = options.kv;
    this.#name = options.name;
    this.#instance = options.instance;
    this.#log = options.log;
  }

  /** Resolves once the current records have been read. */
  async start(): Promise<void> {
    const watch = await this.#kv.watch();
    this.#watch = watch;
    void (async () => {
      for await (const entry of watch) {
        if (this.#remember(entry)) {
          this.emit("change", entry.key);
        }
      }
    })();
    // The watch delivers current values too, but without telling when it
    // has caught up; reading them directly makes start() complete.
    for await (const key of await this.#kv.keys()) {
      const entry = await this.#kv.get(key);
      if (entry !== null) {
        this.#remember(entry);
      }
    }
  }

  stop(): void {
    this.#watch?.stop();
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
      return false;
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
    const entry = await this.#kv.get(device);
    if (
      revision === undefined ||
      entry === null ||
      entry.revision !== revision
    ) {
      this.#held.delete(device);
      throw new NcmError(
        "fenced",
        "LEASE_LOST",
        `${device}: this minion no longer owns the device (another minion claimed it); commit refused`,
        { retryable: false },
      );
    }
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
