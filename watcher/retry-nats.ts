import { setTimeout as sleep } from "node:timers/promises";
import { NcmError } from "../core/errors.ts";

const FIRST_DELAY_MS = 200;
const MAX_DELAY_MS = 5_000;

export interface RetryOptions {
  /** Stops retrying; the pending call rejects with the abort reason. */
  signal: AbortSignal;
  onRetry: (attempt: number, delayMs: number, err: NcmError) => void;
}

/**
 * Calls `fn` until it succeeds, backing off after each retryable NcmError
 * (a NATS outage ends some day; dropping the write would lose a change).
 * Any other error is thrown at once.
 */
export async function retryNats<T>(
  fn: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof NcmError) || !err.retryable) {
        throw err;
      }
      options.signal.throwIfAborted();
      const delayMs = backoff(attempt);
      options.onRetry(attempt, delayMs, err);
      await sleep(delayMs, undefined, { signal: options.signal });
    }
  }
}

/** Doubling with jitter, so watchers restarted together spread out. */
function backoff(attempt: number): number {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
