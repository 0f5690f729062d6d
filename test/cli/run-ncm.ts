import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../cli/main.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A command that hangs is a failure, not a stuck suite. */
const DEADLINE_MS = 30_000;

export interface NcmRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** The script node runs instead of cli/main.ts, e.g. a link to it. */
  script?: string;
  /** Variables added to (or, when undefined, removed from) the environment. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs the real CLI in a child process, as a user would, and collects its
 * output and exit status. NATS_URL and friends are cleared so only the
 * arguments decide where it connects.
 */
export function runNcm(
  args: readonly string[],
  options: RunOptions = {},
): Promise<NcmRun> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: "1",
    LOG_LEVEL: "warn",
  };
  for (const name of [
    "NATS_URL",
    "NATS_CREDS",
    "NATS_USER",
    "NATS_PASSWORD",
    "NATS_INBOX_PREFIX",
  ]) {
    delete env[name];
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) {
      delete env[name];
    } else {
      env[name] = value;
    }
  }
  const script = options.script ?? MAIN;
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collectRun(child);
}

/**
 * The output and exit status of a child started with piped stdout and
 * stderr; one that runs past the deadline is killed, so it fails instead
 * of stalling the suite.
 */
export function collectRun(
  child: ChildProcessByStdio<null, Readable, Readable>,
): Promise<NcmRun> {
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), DEADLINE_MS);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running ncm process (minion, demo, watch) under test. */
export interface NcmProcess {
  readonly pid: number;
  output(): { stdout: string; stderr: string };
  /** Resolves once stdout or stderr matches, rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends a signal and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

export interface SpawnOptions {
  /**
   * Start ncm as the leader of a process group of its own, and signal the
   * whole group in `stop`, as a terminal does on Ctrl-C.
   */
  processGroup?: boolean;
}

export function spawnNcm(
  args: readonly string[],
  extraEnv: NodeJS.ProcessEnv = {},
  options: SpawnOptions = {},
): NcmProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: "1",
    LOG_LEVEL: "info",
    ...extraEnv,
  };
  for (const name of ["NATS_URL", "NATS_CREDS", "NATS_USER", "NATS_PASSWORD"]) {
    if (!(name in extraEnv)) {
      delete env[name];
    }
  }
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.processGroup === true,
  });
  let stdout = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const waiter of waiters) {
      waiter();
    }
  };
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    notify();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    notify();
  });
  const exited = new Promise<number | string | null>((resolve) => {
    child.on("close", (code, signal) => {
      resolve(code ?? signal);
      notify();
    });
  });
  return {
    pid: child.pid ?? -1,
    output: () => ({ stdout, stderr }),
    waitFor(pattern, timeoutMs = DEADLINE_MS) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(stdout) ?? pattern.exec(stderr);
          if (match !== null) {
            done();
            resolve(match[0]);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(
              new Error(
                `ncm exited before printing ${pattern}:\n${stdout}\n${stderr}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `ncm did not print ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`,
            ),
          );
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) {
        if (options.processGroup === true && child.pid !== undefined) {
          process.kill(-child.pid, signal);
        } else {
          child.kill(signal);
        }
      }
      const timer = setTimeout(() => child.kill("SIGKILL"), DEADLINE_MS);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
