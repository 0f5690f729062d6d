import { EventEmitter, once } from "node:events";
import { pino } from "pino";
import type { Logger } from "../../core/log.ts";

/** One parsed log line. */
export type LogLine = Record<string, unknown> & { event?: string };

/**
 * A pino logger writing JSON lines into memory, so tests can assert what
 * was logged and wait for a line instead of sleeping.
 */
export class LogCapture {
  readonly lines: LogLine[] = [];
  readonly log: Logger;
  readonly #added = new EventEmitter();

  constructor(level = "debug") {
    this.log = pino(
      { level, base: null },
      {
        write: (text: string) => {
          const line = JSON.parse(text) as LogLine;
          this.lines.push(line);
          this.#added.emit("line", line);
        },
      },
    );
  }

  /** Lines with this `event`, optionally narrowed by fields. */
  events(event: string, fields: Record<string, unknown> = {}): LogLine[] {
    return this.lines.filter(
      (l) =>
        l.event === event &&
        Object.entries(fields).every(([k, v]) => l[k] === v),
    );
  }

  /** The raw text of everything logged, for "never logged" checks. */
  text(): string {
    return this.lines.map((l) => JSON.stringify(l)).join("\n");
  }

  /** Resolves with the first line (already logged or coming) that matches. */
  async waitFor(
    event: string,
    fields: Record<string, unknown> = {},
    timeoutMs = 10_000,
  ): Promise<LogLine> {
    const seen = this.events(event, fields)[0];
    if (seen !== undefined) {
      return seen;
    }
    const signal = AbortSignal.timeout(timeoutMs);
    for (;;) {
      const [line] = (await once(this.#added, "line", { signal })) as [LogLine];
      if (this.events(event, fields).includes(line)) {
        return line;
      }
    }
  }
}
