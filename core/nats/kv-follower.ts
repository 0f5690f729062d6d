import type { KV, KvEntry } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { NcmError } from "../errors.ts";
import type { Logger } from "../log.ts";

const RETRY_MS = 1_000;
/** How often the bucket's last sequence is compared with what arrived. */
const CHECK_MS = 5_000;
/** Longest wait in start() for the bucket's current values. */
const INITIAL_MS = 30_000;

export interface KvFollowerOptions {
  nc: NatsConnection;
  kv: KV;
  /** Called for every entry, current values first; must be idempotent. */
  onEntry: (entry: KvEntry) => void;
  log: Logger;
  /** Names the watch in logs. */
  name: string;
  /** Longest wait in start() for the current values; default 30 s. */
  initialTimeoutMs?: number;
}

/**
 * A KV watch that survives server failover. A watch is an ephemeral
 * consumer living on one server; when that server dies the client
 * reconnects elsewhere and the watch goes quiet without an error. So the
 * watch is started afresh after every reconnect and whenever it ends; the
 * current values are delivered again, which is why `onEntry` must be
 * idempotent.
 */
export class KvFollower {
  readonly #options: KvFollowerOptions;
  #watch: { stop(): void } | null = null;
  #generation = 0;
  #stopped = false;
  /** Highest revision delivered by the watch. */
  #seen = 0;
  /** A sequence the bucket had reached at the last check, not yet seen. */
  #owed: number | null = null;
  #timer: NodeJS.Timeout | undefined;
  #healthy = true;
  /** Called once a watch has delivered the values current at its start. */
  #caughtUp: (() => void) | null = null;

  constructor(options: KvFollowerOptions) {
    this.#options = options;
  }

  /**
   * Resolves once `onEntry` has seen every value the bucket held when the
   * watch started, so callers can act on the current state at once (a
   * pause switch read too late would let a device be changed). Rejects,
   * with the watch stopped, when they do not arrive in time.
   */
  async start(): Promise<void> {
    const caughtUp = new Promise<void>((resolve) => {
      this.#caughtUp = resolve;
    });
    try {
      await this.#open();
      void this.#followReconnects();
      this.#timer = setInterval(() => void this.#check(), CHECK_MS);
      this.#timer.unref();
      await this.#within(caughtUp);
    } catch (err) {
      this.stop();
      throw err;
    }
  }

  async #within(caughtUp: Promise<void>): Promise<void> {
    const ms = this.#options.initialTimeoutMs ?? INITIAL_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new NcmError(
            "nats",
            "WATCH_NOT_CAUGHT_UP",
            `the watch on KV bucket ${this.#options.name} did not deliver the bucket's current values within ${ms} ms`,
          ),
        );
      }, ms);
    });
    try {
      await Promise.race([caughtUp, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * False while the watch is known to be broken (stalled, or failing to
   * start again): callers should read what they need directly meanwhile.
   */
  get healthy(): boolean {
    return this.#healthy;
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#watch?.stop();
  }

  /**
   * The watch's consumer may live on another server than our connection:
   * when that server dies nothing tells us. So the bucket's last sequence
   * is compared with what the watch delivered; a gap that outlasts a whole
   * check interval means the watch is dead and it is started again.
   */
  async #check(): Promise<void> {
    let last: number;
    try {
      last = (await this.#options.kv.status()).streamInfo.state.last_seq;
    } catch {
      return; // NATS unreachable: the reconnect restarts the watch.
    }
    if (this.#owed !== null && this.#seen < this.#owed) {
      this.#options.log.warn({
        event: "watch-stalled",
        watch: this.#options.name,
        seen: this.#seen,
        last,
      });
      this.#owed = null;
      this.#healthy = false;
      this.#generation++;
      this.#reopenSoon(0);
      return;
    }
    this.#owed = last > this.#seen ? last : null;
  }

  async #open(): Promise<void> {
    const generation = ++this.#generation;
    this.#watch?.stop();
    // An empty bucket delivers nothing, so nothing would say it caught up.
    const empty = this.#caughtUp !== null && (await this.#isEmpty());
    const watch = await this.#options.kv.watch();
    this.#watch = watch;
    this.#healthy = true;
    if (empty) {
      this.#initialDelivered();
    }
    void (async () => {
      try {
        for await (const entry of watch) {
          this.#seen = Math.max(this.#seen, entry.revision);
          this.#options.onEntry(entry);
          // Nothing pending behind this entry: the current values are in.
          if (entry.delta === 0) {
            this.#initialDelivered();
          }
        }
      } catch (err) {
        this.#options.log.warn({
          event: "watch-failed",
          watch: this.#options.name,
          err: (err as Error).message,
        });
      }
      if (generation === this.#generation) {
        this.#reopenSoon();
      }
    })();
  }

  async #isEmpty(): Promise<boolean> {
    const status = await this.#options.kv.status();
    return status.streamInfo.state.messages === 0;
  }

  #initialDelivered(): void {
    this.#caughtUp?.();
    this.#caughtUp = null;
  }

  #reopenSoon(delayMs = RETRY_MS): void {
    if (this.#stopped) {
      return;
    }
    setTimeout(() => {
      this.#open().catch((err: Error) => {
        this.#healthy = false;
        this.#options.log.warn({
          event: "watch-restart-failed",
          watch: this.#options.name,
          err: err.message,
        });
        this.#reopenSoon();
      });
    }, delayMs).unref();
  }

  async #followReconnects(): Promise<void> {
    for await (const status of this.#options.nc.status()) {
      if (this.#stopped) {
        return;
      }
      if (status.type === "reconnect") {
        this.#options.log.info({
          event: "watch-restarted",
          watch: this.#options.name,
        });
        this.#generation++;
        this.#reopenSoon();
      }
    }
  }
}
