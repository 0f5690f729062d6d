import { performance } from "node:perf_hooks";
import type { KV } from "@nats-io/kv";
import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import { EVENTS_SUBJECTS } from "../core/nats/resources.ts";
import type { DeviceStatus, NcmEvent } from "../reconciler/types.ts";

/** An event as the bench received it. */
export interface SeenEvent {
  event: NcmEvent;
  /** performance.now() in the bench process at receipt. */
  at: number;
}

type Waiter = () => boolean;

/**
 * What the bench knows of the fleet without touching a device: every status
 * value the minion writes and every event it publishes, as they arrive.
 * Waits are woken by arrivals, never by polling.
 */
export class FleetObserver {
  readonly statuses = new Map<string, DeviceStatus>();
  readonly #events: SeenEvent[] = [];
  /** `applied` events by device, as indexes into #events. */
  readonly #applied = new Map<string, number[]>();
  readonly #waiters = new Set<Waiter>();
  readonly #stops: (() => void)[] = [];

  static async start(nc: NatsConnection, status: KV): Promise<FleetObserver> {
    const observer = new FleetObserver();
    observer.#follow(nc.subscribe(EVENTS_SUBJECTS));
    const watch = await status.watch();
    observer.#stops.push(() => watch.stop());
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation === "PUT") {
          observer.statuses.set(entry.key, entry.json<DeviceStatus>());
          observer.#wake();
        }
      }
    })();
    return observer;
  }

  /** Events received since index `from` (see `eventCount`). */
  eventsSince(from: number): SeenEvent[] {
    return this.#events.slice(from);
  }

  get eventCount(): number {
    return this.#events.length;
  }

  /** Resolves once `done` holds; woken by every status and event. */
  until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what}`),
        );
      }, timeoutMs);
      const waiter = () => {
        if (!done()) {
          return false;
        }
        clearTimeout(timer);
        resolve();
        return true;
      };
      this.#waiters.add(waiter);
    });
  }

  /** Every named device in sync with its latest intended revision. */
  allInSync(devices: readonly string[]): boolean {
    return devices.every((device) => {
      const s = this.statuses.get(device);
      return (
        s?.state === "in-sync" &&
        s.intendedRevision !== null &&
        s.appliedRevision === s.intendedRevision
      );
    });
  }

  /**
   * The first `applied` event of `device` at or after event index `from`,
   * of intended revision `minRevision` or later.
   */
  appliedSince(
    device: string,
    from: number,
    minRevision = 0,
  ): SeenEvent | undefined {
    for (const index of this.#applied.get(device) ?? []) {
      const seen = this.#events[index] as SeenEvent;
      if (index >= from && (seen.event.intendedRevision ?? 0) >= minRevision) {
        return seen;
      }
    }
    return undefined;
  }

  stop(): void {
    for (const stop of this.#stops) {
      stop();
    }
    this.#waiters.clear();
  }

  #follow(sub: Subscription): void {
    this.#stops.push(() => sub.unsubscribe());
    void (async () => {
      for await (const msg of sub) {
        this.#record({ event: msg.json<NcmEvent>(), at: performance.now() });
        this.#wake();
      }
    })();
  }

  #record(seen: SeenEvent): void {
    if (seen.event.kind === "applied") {
      const indexes = this.#applied.get(seen.event.device) ?? [];
      indexes.push(this.#events.length);
      this.#applied.set(seen.event.device, indexes);
    }
    this.#events.push(seen);
  }

  #wake(): void {
    for (const waiter of this.#waiters) {
      if (waiter()) {
        this.#waiters.delete(waiter);
      }
    }
  }
}
