import { CronJob, validateCronExpression } from "cron";
import { UsageError } from "../core/errors.ts";

/** Every 5 minutes. */
export const DEFAULT_INTERVAL = "*/5 * * * *";

/** Longest random delay added to a scheduled check. */
const MAX_JITTER_MS = 30_000;

/** Refuses a cron expression with a message naming it. */
export function assertCron(expression: string, what = "--interval"): string {
  const { valid, error } = validateCronExpression(expression);
  if (!valid) {
    throw new UsageError(
      `invalid ${what} ${JSON.stringify(expression)}: ${error?.message ?? "not a cron expression"} ` +
        "(expected five or six cron fields, e.g. '*/5 * * * *')",
    );
  }
  return expression;
}

/**
 * One cron job per distinct interval, not per device, so a thousand
 * devices cost a handful of timers. Each tick spreads its devices over a
 * jitter window of a tenth of the period (at most 30 s), so they do not
 * all open SSH sessions in the same instant. When every device's tick of
 * one sweep has settled, `done` gets their results in device order.
 */
export class Schedule {
  readonly #jobs: CronJob[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();

  add<T>(
    expression: string,
    devices: () => readonly string[],
    tick: (device: string) => T | Promise<T>,
    done?: (results: T[], durationMs: number) => void,
  ): void {
    let windowMs = 0;
    const job: CronJob = CronJob.from({
      cronTime: expression,
      onTick: (): void => {
        const started = Date.now();
        const ticks = this.#spread(devices(), windowMs, tick);
        // A stopped schedule leaves ticks pending forever: no summary then.
        void Promise.all(ticks).then(
          (results) => done?.(results, Date.now() - started),
          () => undefined,
        );
      },
      start: false,
    });
    windowMs = jitterWindow(job);
    job.start();
    this.#jobs.push(job);
  }

  stop(): void {
    for (const job of this.#jobs) {
      void job.stop();
    }
    for (const timer of this.#timers) {
      clearTimeout(timer);
    }
    this.#timers.clear();
  }

  #spread<T>(
    devices: readonly string[],
    windowMs: number,
    tick: (device: string) => T | Promise<T>,
  ): Promise<T>[] {
    return devices.map(
      (device) =>
        new Promise<T>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.#timers.delete(timer);
            Promise.resolve()
              .then(() => tick(device))
              .then(resolve, reject);
          }, Math.random() * windowMs);
          this.#timers.add(timer);
        }),
    );
  }
}

function jitterWindow(job: CronJob): number {
  const [a, b] = job.nextDates(2);
  if (a === undefined || b === undefined) {
    return 0;
  }
  return Math.min(MAX_JITTER_MS, (b.toMillis() - a.toMillis()) / 10);
}
