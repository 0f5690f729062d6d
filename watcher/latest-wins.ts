import PQueue from "p-queue";

interface Waiter<R> {
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Runs a job per key with two guarantees: one key never runs twice at
 * once, and a burst of requests for a key while it runs coalesces into a
 * single further run. Different keys run in parallel up to `concurrency`.
 * The job reads the current state itself, so the last run sees the latest.
 */
export class LatestWins<R> {
  readonly #run: (key: string) => Promise<R>;
  readonly #queue: PQueue;
  /** Requests waiting for the next run of each busy or queued key. */
  readonly #waiting = new Map<string, Waiter<R>[]>();

  constructor(run: (key: string) => Promise<R>, concurrency: number) {
    this.#run = run;
    this.#queue = new PQueue({ concurrency });
  }

  /** Resolves with the result of a run that started after this call. */
  schedule(key: string): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiters = this.#waiting.get(key);
      if (waiters !== undefined) {
        waiters.push({ resolve, reject });
        return;
      }
      this.#waiting.set(key, [{ resolve, reject }]);
      void this.#drain(key);
    });
  }

  /** Resolves once no key is running or waiting. */
  async idle(): Promise<void> {
    while (this.#waiting.size > 0 || this.#queue.pending > 0) {
      await this.#queue.onIdle();
    }
  }

  async #drain(key: string): Promise<void> {
    for (;;) {
      let batch: Waiter<R>[] = [];
      try {
        const result = await this.#queue.add(() => {
          // Requests made while this run was queued are served by it;
          // later ones wait for the next run.
          batch = this.#waiting.get(key) ?? [];
          this.#waiting.set(key, []);
          return this.#run(key);
        });
        for (const w of batch) w.resolve(result);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
      if (this.#waiting.get(key)?.length === 0) {
        this.#waiting.delete(key);
        return;
      }
    }
  }
}
