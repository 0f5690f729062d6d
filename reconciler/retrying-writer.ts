import { NcmError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

export interface WriterOptions {
  /**
   * Writes in flight at most, each for a different key. A minion writing
   * one at a time waits a NATS round trip per status or event: after a
   * thousand devices changed at once, their events trailed the changes by
   * seconds. @default 1
   */
  concurrency?: number;
}

export interface AppenderOptions<T> extends WriterOptions {
  /** Records kept while NATS is unreachable; the oldest go first. @default 10000 */
  limit?: number;
  /**
   * Records with the same key are appended in order, one at a time; records
   * of different keys may overtake each other. Without it, every record is
   * appended in order.
   */
  keyOf?: (record: T) => string;
}

/**
 * Writes keyed values in the background, the latest value per key winning,
 * and retries through NATS outages: a status written while the server is
 * down lands once it is back. Writes never block the reconcile loop.
 */
export class LatestValueWriter<T> {
  readonly #write: (key: string, value: T) => Promise<void>;
  readonly #pending = new Map<string, T>();
  readonly #flow: Flow;

  constructor(
    write: (key: string, value: T) => Promise<void>,
    log: Logger,
    options: WriterOptions = {},
  ) {
    this.#write = write;
    this.#flow = new Flow(log, concurrency(options), {
      next: () => this.#next(),
      backlog: () => this.#pending.size,
    });
  }

  set(key: string, value: T): void {
    this.#pending.set(key, value);
    this.#flow.pump();
  }

  /** Waits until everything pending is written, or the deadline passes. */
  flush(timeoutMs = 5_000): Promise<boolean> {
    return this.#flow.idle(timeoutMs);
  }

  close(): void {
    this.#flow.close();
  }

  /** The first pending key not already being written, as a job. */
  #next(): Job | undefined {
    for (const [key, value] of this.#pending) {
      if (this.#flow.busy(key)) {
        continue;
      }
      this.#pending.delete(key);
      return {
        key,
        run: () => this.#write(key, value),
        // Keep the value unless a newer one arrived meanwhile.
        restore: () => {
          if (!this.#pending.has(key)) {
            this.#pending.set(key, value);
          }
        },
        retryEvent: "write-retry",
      };
    }
    return undefined;
  }
}

/**
 * Appends records in order (per key, when records have keys) and retries
 * through NATS outages. Bounded: past `limit` records the oldest are
 * dropped with a warning, so a minion cut off from NATS for hours cannot
 * grow without bound.
 */
export class OrderedAppender<T> {
  readonly #append: (record: T) => Promise<void>;
  readonly #log: Logger;
  readonly #limit: number;
  readonly #keyOf: (record: T) => string;
  readonly #queue: T[] = [];
  readonly #flow: Flow;

  constructor(
    append: (record: T) => Promise<void>,
    log: Logger,
    options: AppenderOptions<T> = {},
  ) {
    this.#append = append;
    this.#log = log;
    this.#limit = whole("limit", options.limit ?? 10_000);
    this.#keyOf = options.keyOf ?? (() => "");
    this.#flow = new Flow(log, concurrency(options), {
      next: () => this.#next(),
      backlog: () => this.#queue.length,
    });
  }

  push(record: T): void {
    if (this.#queue.length >= this.#limit) {
      this.#queue.shift();
      this.#log.warn({ event: "event-dropped", limit: this.#limit });
    }
    this.#queue.push(record);
    this.#flow.pump();
  }

  flush(timeoutMs = 5_000): Promise<boolean> {
    return this.#flow.idle(timeoutMs);
  }

  close(): void {
    this.#flow.close();
  }

  /**
   * The oldest record of a key with nothing in flight. A key seen earlier
   * in the queue is skipped even when idle, so its records keep their order.
   */
  #next(): Job | undefined {
    const passed = new Set<string>();
    for (let i = 0; i < this.#queue.length; i++) {
      const record = this.#queue[i] as T;
      const key = this.#keyOf(record);
      if (this.#flow.busy(key) || passed.has(key)) {
        passed.add(key);
        continue;
      }
      this.#queue.splice(i, 1);
      return {
        key,
        run: () => this.#append(record),
        // Back in front: it goes before any later record of its key.
        restore: () => {
          this.#queue.unshift(record);
        },
        retryEvent: "append-retry",
      };
    }
    return undefined;
  }
}

/** Where a flow takes its jobs from. */
interface Backlog {
  /** Takes the next job that may start now, if any. */
  next: () => Job | undefined;
  /** Jobs waiting, startable or not. */
  backlog: () => number;
}

/** One write taken from a writer's backlog. */
interface Job {
  key: string;
  run: () => Promise<void>;
  /** Puts the work back after a failure. */
  restore: () => void;
  retryEvent: string;
}

/**
 * Runs jobs from a backlog, a bounded number at a time, never two of one
 * key together. A failure puts its job back and pauses everything with a
 * growing delay (NATS is most likely down for all of them); a success
 * resets the delay.
 */
class Flow {
  readonly #log: Logger;
  readonly #concurrency: number;
  readonly #backlog: Backlog;
  readonly #inFlight = new Set<string>();
  readonly #idleWaiters = new Set<() => void>();
  #delay = RETRY_MIN_MS;
  #paused: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(log: Logger, concurrency: number, backlog: Backlog) {
    this.#log = log;
    this.#concurrency = concurrency;
    this.#backlog = backlog;
  }

  busy(key: string): boolean {
    return this.#inFlight.has(key);
  }

  pump(): void {
    while (
      !this.#closed &&
      this.#paused === null &&
      this.#inFlight.size < this.#concurrency
    ) {
      const job = this.#backlog.next();
      if (job === undefined) {
        break;
      }
      this.#inFlight.add(job.key);
      void this.#run(job);
    }
    this.#checkIdle();
  }

  /** Resolves true once nothing is pending or in flight, false on timeout. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.#isIdle()) {
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const done = (idle: boolean) => {
        clearTimeout(timer);
        this.#idleWaiters.delete(onIdle);
        resolve(idle);
      };
      const onIdle = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.#idleWaiters.add(onIdle);
    });
  }

  close(): void {
    this.#closed = true;
    if (this.#paused !== null) {
      clearTimeout(this.#paused);
      this.#paused = null;
    }
  }

  async #run(job: Job): Promise<void> {
    try {
      await job.run();
      this.#delay = RETRY_MIN_MS;
    } catch (err) {
      job.restore();
      this.#log.warn({
        event: job.retryEvent,
        key: job.key === "" ? undefined : job.key,
        err: (err as Error).message,
        delayMs: this.#delay,
      });
      this.#pause();
    } finally {
      this.#inFlight.delete(job.key);
      this.pump();
    }
  }

  #pause(): void {
    if (this.#paused !== null || this.#closed) {
      return;
    }
    this.#paused = setTimeout(() => {
      this.#paused = null;
      this.pump();
    }, this.#delay);
    this.#paused.unref();
    this.#delay = Math.min(this.#delay * 2, RETRY_MAX_MS);
  }

  /** Nothing in flight and nothing waiting (paused work is waiting). */
  #isIdle(): boolean {
    return this.#inFlight.size === 0 && this.#backlog.backlog() === 0;
  }

  #checkIdle(): void {
    if (this.#isIdle()) {
      for (const waiter of [...this.#idleWaiters]) {
        waiter();
      }
    }
  }
}

function concurrency(options: WriterOptions): number {
  return whole("concurrency", options.concurrency ?? 1);
}

function whole(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new NcmError(
      "input",
      "WRITER_OPTION",
      `invalid ${name} ${JSON.stringify(value)}: expected a whole number, 1 or more`,
    );
  }
  return value;
}
