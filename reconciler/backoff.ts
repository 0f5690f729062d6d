/** Exponential backoff with full jitter, reset on success. */
export interface BackoffOptions {
  /** First delay, in milliseconds. */
  baseMs: number;
  /** Upper bound of any delay, in milliseconds. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  baseMs: 5_000,
  maxMs: 300_000,
};

export class Backoff {
  readonly #options: BackoffOptions;
  #failures = 0;
  #until = 0;

  constructor(options: BackoffOptions = DEFAULT_BACKOFF) {
    this.#options = options;
  }

  /** Consecutive failures since the last success. */
  get failures(): number {
    return this.#failures;
  }

  /** Epoch ms before which automatic attempts should wait, or 0. */
  get until(): number {
    return this.#until;
  }

  /** Records a failure and returns the delay before the next attempt. */
  fail(now = Date.now()): number {
    this.#failures += 1;
    const ceiling = Math.min(
      this.#options.maxMs,
      this.#options.baseMs * 2 ** (this.#failures - 1),
    );
    // Half fixed, half random: spreads retries of many devices that failed
    // together (one switch stack, one NATS outage) without ever retrying
    // sooner than half the nominal delay.
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.#until = now + delay;
    return delay;
  }

  succeed(): void {
    this.#failures = 0;
    this.#until = 0;
  }

  /** True while an automatic (not user-requested) attempt should wait. */
  waiting(now = Date.now()): boolean {
    return now < this.#until;
  }
}
