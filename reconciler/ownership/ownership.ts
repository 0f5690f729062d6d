import { createHash, randomUUID } from "node:crypto";
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import PQueue from "p-queue";
import { NcmError } from "../../core/errors.ts";
import type { Logger } from "../../core/log.ts";
import { Backoff } from "../backoff.ts";
import { DeviceLeases } from "./device-leases.ts";
import { Members } from "./members.ts";
import { rendezvousOwner } from "./rendezvous.ts";

export interface OwnershipOptions {
  nc: NatsConnection;
  minions: KV;
  owners: KV;
  name: string;
  /** Devices this minion may own (its inventory, limited by --devices). */
  candidates: readonly string[];
  /** A peer silent this long is dead and its devices are taken over. */
  ttlMs: number;
  /** Start managing a device we now own. */
  onAcquire: (device: string) => Promise<void>;
  /** Stop managing a device; resolves once no work on it is in flight. */
  onRelease: (device: string) => Promise<void>;
  log: Logger;
}

/** Claims run a few at a time: a thousand devices at start take seconds. */
const CLAIM_CONCURRENCY = 32;
/** Coalesces bursts of ownership news into one rebalance. */
const DEBOUNCE_MS = 50;
/** First retry delay of a device whose lease could not be proven. */
const REFUSED_RETRY_MS = 1_000;

/**
 * Decides which devices this minion owns. Devices are spread over the live
 * minions of the same group by rendezvous hashing; a device changes hands
 * only through compare-and-set on its record in `owners`, and the owner
 * confirms that record right before each commit (fencing).
 */
export class Ownership {
  readonly #options: OwnershipOptions;
  readonly #log: Logger;
  readonly #members: Members;
  readonly #leases: DeviceLeases;
  readonly #serial = new PQueue({ concurrency: 1 });
  /** Per device: refusals in a row, which space the retries out. */
  readonly #refusals = new Map<string, Backoff>();
  #timer: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #connected = true;
  #stopped = false;

  constructor(options: OwnershipOptions) {
    this.#options = options;
    this.#log = options.log;
    const instance = randomUUID();
    this.#members = new Members({
      nc: options.nc,
      kv: options.minions,
      self: {
        name: options.name,
        instance,
        group: groupOf(options.candidates),
        devices: options.candidates.length,
        ttlMs: options.ttlMs,
      },
      log: options.log,
    });
    this.#leases = new DeviceLeases({
      nc: options.nc,
      kv: options.owners,
      name: options.name,
      instance,
      log: options.log,
    });
  }

  /** Resolves after the first rebalance: owned devices are being managed. */
  async start(): Promise<void> {
    await this.#leases.start();
    await this.#members.start();
    this.#members.on("change", () => this.#soon());
    this.#leases.on("change", () => this.#soon());
    this.#timer = setInterval(() => this.#soon(), this.#options.ttlMs / 3);
    this.#timer.unref();
    await this.rebalance();
  }

  owned(): string[] {
    return this.#leases.held();
  }

  /** Peers' clocks start afresh after a NATS outage; see Members. */
  disconnected(): void {
    this.#connected = false;
    this.#members.disconnected();
  }

  reconnected(): void {
    this.#connected = true;
    this.#members.resetObservations();
    void this.#members.heartbeat();
    this.#soon();
  }

  /**
   * The cheap check before a pass touches the device: NATS connected, our
   * own heartbeat fresh, and our claim the newest record we know of. It
   * reads nothing from the server, so while NATS is down a drifted fleet
   * costs its devices no config session at all, and the retries it asks
   * for grow to the lease instead of coming every second. The fence right
   * before the commit stays the guarantee; this only spares the device.
   */
  assertProvable(device: string): void {
    const reason = this.#unprovable(device);
    if (reason !== null) {
      throw this.#refused(
        device,
        "LEASE_UNPROVEN",
        `${device}: this minion cannot prove it owns the device now (${reason}); no config session opened`,
      );
    }
  }

  #unprovable(device: string): string | null {
    if (this.#stopped) {
      return "it is stopping";
    }
    if (!this.#connected) {
      return "NATS unreachable";
    }
    if (!this.#members.selfFresh()) {
      return "its heartbeat is older than its lease allows";
    }
    if (!this.#leases.stillMine(device)) {
      this.#soon();
      return "another minion claimed it";
    }
    return null;
  }

  /**
   * The fencing check, right before a commit: our heartbeat is recent and
   * the device's record on the server still carries our claim's revision.
   * Freshness is checked again after that read, so the margin (see
   * FRESH_SHARE: 40% of the lease) is what is left for the commit itself.
   */
  async fence(device: string): Promise<void> {
    this.#assertFresh(device);
    try {
      await this.#leases.verify(device);
    } catch (err) {
      // Let the rebalance notice the loss and stop the device's worker.
      this.#soon();
      if (err instanceof NcmError) {
        throw err;
      }
      throw this.#refused(
        device,
        "LEASE_UNCONFIRMED",
        `${device}: cannot confirm this minion still owns the device (${(err as Error).message}); commit refused`,
        err,
      );
    }
    this.#assertFresh(device);
    this.#refusals.delete(device);
  }

  #assertFresh(device: string): void {
    if (!this.#members.selfFresh()) {
      throw this.#refused(
        device,
        "LEASE_STALE",
        `${device}: this minion's heartbeat is older than its lease allows; commit refused`,
      );
    }
  }

  /**
   * A fenced error carrying the delay before the device's next attempt
   * (`details.retryInMs`): doubling from 1 s up to the lease while the
   * refusals go on, from 1 s again once a lease has passed without one.
   */
  #refused(
    device: string,
    code: string,
    message: string,
    cause?: unknown,
  ): NcmError {
    const ttlMs = this.#options.ttlMs;
    let backoff = this.#refusals.get(device);
    if (backoff === undefined || Date.now() > backoff.until + ttlMs) {
      backoff = new Backoff({
        baseMs: Math.min(REFUSED_RETRY_MS, ttlMs),
        maxMs: ttlMs,
      });
      this.#refusals.set(device, backoff);
    }
    return new NcmError("fenced", code, message, {
      cause,
      retryable: true,
      details: { retryInMs: backoff.fail() },
    });
  }

  rebalance(): Promise<void> {
    return this.#serial.add(() => this.#rebalance());
  }

  /** Hands every device back and leaves, so peers take over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#debounce);
    await this.#serial.onIdle();
    await Promise.all(
      this.#leases.held().map(async (device) => {
        await this.#options.onRelease(device);
        await this.#leases.release(device);
      }),
    );
    this.#leases.stop();
    await this.#members.stop();
  }

  #soon(): void {
    if (this.#stopped) {
      return;
    }
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.rebalance(), DEBOUNCE_MS);
  }

  async #rebalance(): Promise<void> {
    if (this.#stopped) {
      return;
    }
    const live = this.#members.liveInGroup();
    const claims = new PQueue({ concurrency: CLAIM_CONCURRENCY });
    for (const device of this.#options.candidates) {
      const desired = rendezvousOwner(device, live);
      if (this.#leases.holds(device)) {
        await this.#keepOrLet(device, desired);
      } else if (desired === this.#options.name && this.#claimable(device)) {
        void claims.add(() => this.#claim(device));
      }
    }
    await claims.onIdle();
  }

  async #keepOrLet(device: string, desired: string | null): Promise<void> {
    if (!this.#leases.stillMine(device)) {
      this.#log.warn({
        event: "device-lost",
        device,
        owner: this.#leases.current(device)?.owner,
      });
      this.#leases.forget(device);
      await this.#options.onRelease(device);
    } else if (desired !== null && desired !== this.#options.name) {
      this.#log.info({ event: "device-handover", device, to: desired });
      await this.#options.onRelease(device);
      await this.#leases.release(device);
    }
  }

  /**
   * Free, released, ours from a previous run, or held by a dead minion. A
   * record under our name from another instance is from a previous run:
   * Members refuses to start while a namesake is alive.
   */
  #claimable(device: string): boolean {
    const record = this.#leases.current(device);
    if (record === null || record.owner === null) {
      return true;
    }
    if (record.owner === this.#options.name) {
      return record.instance !== this.#members.instance;
    }
    return !this.#members.isLive(record.owner, record.instance ?? undefined);
  }

  async #claim(device: string): Promise<void> {
    if (await this.#leases.claim(device)) {
      await this.#options.onAcquire(device);
    }
  }
}

function groupOf(devices: readonly string[]): string {
  return createHash("sha256")
    .update([...devices].sort().join("\n"))
    .digest("hex")
    .slice(0, 16);
}
