import type { Logger } from "../core/log.ts";

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * Writes keyed values in the background, the latest value per key winning,
 * and retries through NATS outages: a status written while the server is
 * down lands once it is back. Writes never block the reconcile loop.
 */
export class LatestValueWriter<T> {
  readonly #write: (key: string, value: T) => Promise<void>;
  readonly #log: Logger;
  readonly #pending = new Map<string, T>();
  #running: Promise<void> | null = null;
  #closed = false;

  constructor(write: (key: string, value: T) => Promise<void>, log: Logger) {
    this.#write = write;
    this.#log = log;
  }

  set(key: string, value: T): void {
    this.#pending.set(key, value);
    this.#running ??= this.#drain().finally(() => {
      this.#running = null;
    });
  }

  /** Waits until everything pending is written, or the deadline passes. */
  async flush(timeoutMs = 5_000): Promise<boolean> {
    return waitFor(() => this.#running ?? Promise.resolve(), timeoutMs);
  }

  close(): void {
    this.#closed = true;
  }

  async #drain(): Promise<void> {
    let delay = RETRY_MIN_MS;
    while (this.#pending.size > 0 && !this.#closed) {
      const [key, value] = this.#pending.entries().next().value as [string, T];
      this.#pending.delete(key);
      try {
        await this.#write(key, value);
        delay = RETRY_MIN_MS;
      } catch (err) {
        // Keep the value unless a newer one arrived meanwhile.
        if (!this.#pending.has(key)) {
          this.#pending.set(key, value);
        }
        this.#log.warn({
          event: "write-retry",
          key,
          err: (err as Error).message,
          delayMs: delay,
        });
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }
}

/**
 * Appends records in order and retries through NATS outages. Bounded: past
 * `limit` records the oldest are dropped with a warning, so a minion cut off
 * from NATS for hours cannot grow without bound.
 */
export class OrderedAppender<T> {
  readonly #append: (record: T) => Promise<void>;
  readonly #log: Logger;
  readonly #limit: number;
  readonly #queue: T[] = [];
  #running: Promise<void> | null = null;
  #closed = false;

  constructor(
    append: (record: T) => Promise<void>,
    log: Logger,
    limit = 10_000,
  ) {
    this.#append = append;
    this.#log = log;
    this.#limit = limit;
  }

  push(record: T): void {
    if (this.#queue.length >= this.#limit) {
      this.#queue.shift();
      this.#log.warn({ event: "event-dropped", limit: this.#limit });
    }
    this.#queue.push(record);
    this.#running ??= this.#drain().finally(() => {
      this.#running = null;
    });
  }

  async flush(timeoutMs = 5_000): Promise<boolean> {
    return waitFor(() => this.#running ?? Promise.resolve(), timeoutMs);
  }

  close(): void {
    this.#closed = true;
  }

  async #drain(): Promise<void> {
    let delay = RETRY_MIN_MS;
    while (this.#queue.length > 0 && !this.#closed) {
      try {
        await this.#append(this.#queue[0] as T);
        this.#queue.shift();
        delay = RETRY_MIN_MS;
      } catch (err) {
        this.#log.warn({
          event: "append-retry",
          err: (err as Error).message,
          delayMs: delay,
        });
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Resolves true when the work finishes, false when the deadline passes. */
async function waitFor(
  work: () => Promise<void>,
  timeoutMs: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([work().then(() => true), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
