import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { CLI_MAIN, FROM_SOURCE } from "./paths.ts";

/** A JSON log line of an ncm process. */
export type LogLine = Record<string, unknown> & { event?: string };

/**
 * Built (`npm run bench` builds first), the ncm processes run from dist/ as
 * users run them. From the sources (tests), they run through tsx, which
 * costs each process some tens of MB more.
 */

/** How the ncm processes of this run are started, for the record. */
export const LAUNCH = FROM_SOURCE
  ? "node --import tsx cli/main.ts"
  : "node dist/cli/main.js";

/** The last lines of output kept for error messages. */
const KEPT_LINES = 20;

export interface SpawnOptions {
  /** LOG_LEVEL of the process; info by default. */
  logLevel?: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: readonly string[];
}

/**
 * One ncm process (sim, watch, minion) of a benchmark run: its pid for
 * /proc readings and its log lines, parsed, to await what it reports.
 */
export class NcmProcess {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly #tail: string[] = [];
  readonly #listeners = new Set<(line: LogLine) => void>();
  readonly #exited: Promise<void>;

  constructor(
    name: string,
    args: readonly string[],
    options: SpawnOptions = {},
  ) {
    this.name = name;
    const loader = FROM_SOURCE ? ["--import", "tsx"] : [];
    this.#child = spawn(
      process.execPath,
      [...loader, ...(options.nodeFlags ?? []), CLI_MAIN, ...args],
      {
        env: childEnv(options.logLevel ?? "info"),
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    this.#exited = once(this.#child, "exit").then(() => undefined);
    const lines = createInterface({ input: this.#child.stderr! });
    lines.on("line", (text) => this.#receive(text));
  }

  get pid(): number {
    const pid = this.#child.pid;
    if (pid === undefined) {
      throw new Error(`${this.name} did not start`);
    }
    return pid;
  }

  /** Resolves with the first log line `match` accepts, seen from now on. */
  waitFor(
    what: string,
    match: (line: LogLine) => boolean,
    timeoutMs: number,
  ): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          finish(
            new Error(
              `${this.name}: no ${what} within ${timeoutMs} ms${this.#lastWords()}`,
            ),
          ),
        timeoutMs,
      );
      const onExit = () =>
        finish(
          new Error(`${this.name} exited before ${what}${this.#lastWords()}`),
        );
      const listener = (line: LogLine) => {
        if (match(line)) {
          finish(null, line);
        }
      };
      const finish = (err: Error | null, line?: LogLine) => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
        this.#child.off("exit", onExit);
        err === null ? resolve(line as LogLine) : reject(err);
      };
      this.#listeners.add(listener);
      this.#child.once("exit", onExit);
    });
  }

  /** Waits for the log line whose `event` is `event`. */
  waitForEvent(event: string, timeoutMs: number): Promise<LogLine> {
    return this.waitFor(
      `"${event}" log line`,
      (l) => l.event === event,
      timeoutMs,
    );
  }

  /** Every log line from now on, until the returned function is called. */
  onLine(listener: (line: LogLine) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
      return;
    }
    this.#child.kill("SIGTERM");
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  #receive(text: string): void {
    this.#tail.push(text);
    if (this.#tail.length > KEPT_LINES) {
      this.#tail.shift();
    }
    const line = parseLine(text);
    if (line !== null) {
      for (const listener of this.#listeners) {
        listener(line);
      }
    }
  }

  #lastWords(): string {
    return this.#tail.length === 0
      ? ""
      : `; last output:\n${this.#tail.join("\n")}`;
  }
}

function parseLine(text: string): LogLine | null {
  if (!text.startsWith("{")) {
    return null;
  }
  try {
    return JSON.parse(text) as LogLine;
  } catch {
    return null;
  }
}

/** NATS settings come from the arguments only; logs are JSON lines. */
function childEnv(logLevel: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: logLevel,
    NO_COLOR: "1",
  };
  for (const name of ["NATS_URL", "NATS_CREDS", "NATS_USER", "NATS_PASSWORD"]) {
    delete env[name];
  }
  return env;
}
