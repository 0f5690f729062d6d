import { spawn } from "node:child_process";
import { NcmError } from "../../core/errors.ts";

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export interface RunOptions {
  /** Written to stdin, which is then closed. */
  input?: string;
  /** A non-zero exit is returned instead of thrown. */
  allowFailure?: boolean;
  /** Killed after this long. @default 30000 */
  timeoutMs?: number;
}

/**
 * Runs a program (never through a shell) and collects its output. A
 * failure says which command failed, its status and the first line it
 * printed on stderr.
 */
export function runCommand(
  argv: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const [program, ...args] = argv;
  if (program === undefined) {
    throw new RangeError("runCommand needs a program to run");
  }
  const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on("error", () => undefined);
  child.stdin.end(options.input);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(commandError(argv, `cannot start: ${err.message}`, err));
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const result = {
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        code,
      };
      if (code === 0 || options.allowFailure === true) {
        resolve(result);
        return;
      }
      const status = signal === null ? `status ${code}` : `signal ${signal}`;
      const said = result.stderr.trim().split("\n")[0] ?? "";
      reject(commandError(argv, `failed with ${status}: ${said}`));
    });
  });
}

function commandError(
  argv: readonly string[],
  what: string,
  cause?: unknown,
): NcmError {
  return new NcmError(
    "internal",
    "LAB_COMMAND_FAILED",
    `${argv.join(" ")} ${what}`,
    {
      cause,
      details: { command: argv[0] },
    },
  );
}
