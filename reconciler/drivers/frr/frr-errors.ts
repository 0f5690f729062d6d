/**
 * Everything FRR and the SSH layer say becomes an NcmError here. Messages
 * of vtysh and frr-reload.py are matched in this file and nowhere else;
 * callers branch on the resulting category and code.
 */
import { type ErrorCategory, NcmError } from "../../../core/errors.ts";
import { maskSecrets, maskSecretsOf } from "../../../core/mask-secrets.ts";

/** What one command run over an exec channel left behind. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when the command died of a signal. */
  code: number | null;
}

/**
 * The SSH connect step is shared with the EOS driver, whose codes start
 * with `EOS_`; an FRR device reports them as `FRR_` codes, same category.
 */
export function recodedForFrr(error: NcmError): NcmError {
  if (!error.code.startsWith("EOS_")) {
    return error;
  }
  return new NcmError(
    error.category,
    `FRR_${error.code.slice(4)}`,
    error.message,
    { cause: error.cause, details: error.details },
  );
}

/** A command ran but exited non-zero for a reason we do not know better. */
export function commandFailed(
  device: string,
  what: string,
  result: ExecResult,
): NcmError {
  const said = firstLine(result.stderr) ?? firstLine(result.stdout);
  const status = result.code === null ? "a signal" : `status ${result.code}`;
  return new NcmError(
    "protocol",
    "FRR_COMMAND_FAILED",
    `${device}: ${what} failed with ${status}${said === undefined ? "" : `: ${said}`}`,
    { details: { device, command: what, exitCode: result.code } },
  );
}

export function commandTimeout(
  device: string,
  what: string,
  timeoutMs: number,
): NcmError {
  return new NcmError(
    "timeout",
    "FRR_COMMAND_TIMEOUT",
    `${device}: ${what} did not finish within ${timeoutMs} ms`,
    { details: { device, command: what, timeoutMs } },
  );
}

/** The SSH connection ended while a command needed it. */
export function connectionLost(device: string, during: string): NcmError {
  return new NcmError(
    "protocol",
    "FRR_CONNECTION_LOST",
    `${device}: the SSH connection closed during ${during}`,
    { details: { device } },
  );
}

export function channelRefused(device: string, cause: Error): NcmError {
  return new NcmError(
    "protocol",
    "FRR_EXEC_REFUSED",
    `${device}: the device refused an exec channel: ${cause.message}`,
    { cause, details: { device } },
  );
}

/** A config line FRR refused, numbered as in the submitted text. */
export interface RejectedLine {
  /** 0 when the line could not be found in the submitted text. */
  lineNumber: number;
  text: string;
  deviceMessage: string;
}

/**
 * vtysh's syntax check (`vtysh -m -f`, run by frr-reload.py) stops at the
 * first bad line and names it by its number in our own file:
 * `line 5: % Unknown command:  bogus line`.
 */
export function syntaxRejection(
  config: string,
  stderr: string,
): RejectedLine | null {
  // stderr carries Python's repr of vtysh's bytes: a newline there may
  // be the two characters backslash and n.
  const match = /line (\d+): (%[^\n\\]*)/.exec(stderr);
  if (match === null) {
    return null;
  }
  const lineNumber = Number(match[1]);
  return {
    lineNumber,
    text: config.split(/\r?\n/)[lineNumber - 1] ?? "",
    deviceMessage: match[2]!.replace(/\s+/g, " ").trim(),
  };
}

/**
 * A line that parsed but a daemon refused while frr-reload.py applied it.
 * vtysh names the line of frr-reload's own temp file, so it is looked up
 * by its text in ours: `line 2: Failure to communicate[13] to bgpd, line:
 *  neighbor 1.2.3.4 description x`; the daemon's reason (`% …`) is on
 * stdout.
 */
export function applyRejection(
  config: string,
  result: ExecResult,
): RejectedLine | null {
  const match = /Failure to communicate\[\d+\] to \S+, line: (.+)/.exec(
    result.stderr,
  );
  if (match === null) {
    return null;
  }
  const text = match[1]!.trim();
  const lines = config.split(/\r?\n/);
  const index = lines.findIndex((line) => line.trim() === text);
  const reason = result.stdout
    .split("\n")
    .find((line) => line.trimStart().startsWith("%"));
  return {
    lineNumber: index + 1,
    text: index === -1 ? text : lines[index]!,
    deviceMessage: reason?.trim() ?? "refused by the daemon",
  };
}

/** Quoted with secrets masked: the message reaches status, events and logs. */
export function rejectedConfig(
  device: string,
  line: RejectedLine,
  cause?: unknown,
): NcmError {
  const rejected = {
    lineNumber: line.lineNumber,
    text: maskSecrets(line.text),
    deviceMessage: maskSecretsOf(line.text, line.deviceMessage),
  };
  const where =
    rejected.lineNumber > 0 ? `line ${rejected.lineNumber} ` : "the line ";
  return new NcmError(
    "rejected-config",
    "FRR_REJECTED_LINE",
    `${device} rejected ${where}${JSON.stringify(rejected.text.trim())}: ${rejected.deviceMessage}`,
    {
      cause,
      details: {
        device,
        line: rejected.lineNumber,
        text: rejected.text,
        deviceMessage: rejected.deviceMessage,
      },
    },
  );
}

/** Why a committed change was undone. */
export type RevertReason =
  | "reload-failed"
  | "not-converged"
  | "read-back-failed"
  | "bgp-check-failed";

/**
 * The change was applied, found wanting and undone: the previous
 * running-config is back. A BGP check failure is a guard (the config
 * itself was accepted); a read-back that failed is the fault that made it
 * fail (a hung daemon times out), and may pass next time; the others mean
 * the config does not apply.
 */
export function applyReverted(
  device: string,
  reason: RevertReason,
  why: string,
  cause?: unknown,
): NcmError {
  return new NcmError(
    revertCategory(reason, cause),
    "FRR_APPLY_REVERTED",
    `${device}: the new config was applied and then undone: ${why}`,
    {
      cause,
      retryable: reason === "read-back-failed",
      details: { device, reason },
    },
  );
}

function revertCategory(reason: RevertReason, cause: unknown): ErrorCategory {
  switch (reason) {
    case "bgp-check-failed":
      return "guard";
    case "read-back-failed":
      return cause instanceof NcmError ? cause.category : "protocol";
    default:
      return "rejected-config";
  }
}

/** Undoing a failed change failed too: the device is in between. */
export function restoreFailed(
  device: string,
  why: string,
  cause: unknown,
): NcmError {
  return new NcmError(
    "protocol",
    "FRR_RESTORE_FAILED",
    `${device}: the new config failed (${why}) and restoring the previous ` +
      "running-config failed too; the next pass applies the intended config again",
    { cause, details: { device } },
  );
}

/** The device's JSON or text could not be read as expected. */
export function unreadable(device: string, what: string, why: string) {
  return new NcmError(
    "protocol",
    "FRR_UNREADABLE_OUTPUT",
    `${device}: cannot read the output of ${what}: ${why}`,
    { details: { device, command: what } },
  );
}

function firstLine(text: string): string | undefined {
  return text
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line !== "");
}
