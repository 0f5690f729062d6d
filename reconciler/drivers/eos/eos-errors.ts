/**
 * The one place where what ssh2 and the device say becomes an NcmError.
 * Device messages are matched here and nowhere else; callers branch on the
 * resulting category and code.
 */
import { NcmError } from "../../../core/errors.ts";
import { maskSecrets, maskSecretsOf } from "../../../core/mask-secrets.ts";

/** Where the device is, for messages; never carries a secret. */
export interface Endpoint {
  device: string;
  host: string;
  port: number;
  username: string;
}

/** ssh2 tags its errors with a `level` saying which layer failed. */
interface SshFailure {
  message?: unknown;
  level?: unknown;
  code?: unknown;
}

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EHOSTDOWN",
  "EADDRNOTAVAIL",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** Maps a failure while connecting and logging in. */
export function connectError(
  err: unknown,
  at: Endpoint,
  hostKeyRejected: boolean,
): NcmError {
  const where = `${at.device} (${at.host}:${at.port})`;
  if (hostKeyRejected) {
    return new NcmError(
      "host-key",
      "EOS_HOST_KEY_REJECTED",
      `${where}: the SSH host key does not match the known one; refusing to connect`,
      { cause: err, details: { device: at.device } },
    );
  }
  const failure = (
    typeof err === "object" && err !== null ? err : {}
  ) as SshFailure;
  const code = typeof failure.code === "string" ? failure.code : undefined;
  switch (failure.level) {
    case "client-authentication":
      return new NcmError(
        "authentication",
        "EOS_AUTH_FAILED",
        `${where}: authentication failed for user ${JSON.stringify(at.username)}`,
        { cause: err, details: { device: at.device } },
      );
    case "client-timeout":
      return new NcmError(
        "unreachable",
        "EOS_CONNECT_TIMEOUT",
        `${where}: no SSH handshake within the connect timeout`,
        { cause: err, details: { device: at.device } },
      );
    case "client-dns":
    case "client-socket":
      return unreachable(where, code, err, at.device);
    default:
      return new NcmError(
        "protocol",
        "EOS_SSH_HANDSHAKE",
        `${where}: SSH handshake failed: ${messageOf(err)}`,
        { cause: err, details: { device: at.device } },
      );
  }
}

function unreachable(
  where: string,
  code: string | undefined,
  err: unknown,
  device: string,
): NcmError {
  const known = code !== undefined && UNREACHABLE_CODES.has(code);
  return new NcmError(
    "unreachable",
    "EOS_UNREACHABLE",
    `${where}: cannot connect: ${known ? code : messageOf(err)}`,
    { cause: err, details: { device, errno: code } },
  );
}

/** The SSH connection or shell ended while an operation needed it. */
export function connectionLost(device: string, during: string): NcmError {
  return new NcmError(
    "protocol",
    "EOS_CONNECTION_LOST",
    `${device}: the SSH connection closed during ${during}`,
    { details: { device } },
  );
}

export function commandTimeout(
  device: string,
  what: string,
  timeoutMs: number,
): NcmError {
  return new NcmError(
    "timeout",
    "EOS_COMMAND_TIMEOUT",
    `${device}: no prompt within ${timeoutMs} ms after ${what}`,
    { details: { device, timeoutMs } },
  );
}

/** Lines the device printed as errors (`% …`). */
export function errorLines(lines: readonly string[]): string[] {
  return lines.filter((line) => line.startsWith("% "));
}

/**
 * An EOS command answered with `% …`. The session limit and commit failures
 * get their own categories because the reconciler treats them differently.
 */
export function commandFailed(
  device: string,
  command: string,
  deviceMessage: string,
): NcmError {
  const details = { device, command, deviceMessage };
  const text = `${device}: "${command}" failed: ${deviceMessage}`;
  if (/maximum number of pending sessions/i.test(deviceMessage)) {
    return new NcmError("session-limit", "EOS_SESSION_LIMIT", text, {
      details,
    });
  }
  if (/^% *Commit failed/i.test(deviceMessage)) {
    return new NcmError("rejected-config", "EOS_COMMIT_FAILED", text, {
      details,
    });
  }
  return new NcmError("protocol", "EOS_COMMAND_FAILED", text, { details });
}

/** A config line the device refused, numbered as in the submitted text. */
export interface RejectedLine {
  lineNumber: number;
  text: string;
  deviceMessage: string;
}

/**
 * The line and the device's words are quoted with secrets masked: this
 * message ends up in status, events and logs.
 */
export function rejectedConfig(
  device: string,
  rejected: readonly RejectedLine[],
): NcmError {
  const line = rejected[0];
  if (line === undefined) {
    throw new RangeError("rejectedConfig needs at least one rejected line");
  }
  const first = {
    lineNumber: line.lineNumber,
    text: maskSecrets(line.text),
    deviceMessage: maskSecretsOf(line.text, line.deviceMessage),
  };
  const others = rejected.length - 1;
  const more = others > 0 ? ` (and ${others} more rejected lines)` : "";
  return new NcmError(
    "rejected-config",
    "EOS_REJECTED_LINE",
    `${device} rejected line ${first.lineNumber} ${JSON.stringify(first.text.trim())}: ${first.deviceMessage}${more}`,
    {
      details: {
        device,
        line: first.lineNumber,
        text: first.text,
        deviceMessage: first.deviceMessage,
        rejectedLines: rejected.length,
      },
    },
  );
}

/**
 * The prompt after a config line was outside the config session. When the
 * line itself leaves the session (`exit`) the config is at fault and
 * loading it again would do the same; otherwise the session ended under
 * us (someone removed it) and a retry may succeed.
 */
export function leftSession(
  device: string,
  line: { lineNumber: number; text: string },
  seen: string,
  cause: "config" | "device",
): NcmError {
  const text = maskSecrets(line.text);
  return new NcmError(
    cause === "config" ? "rejected-config" : "protocol",
    "EOS_LEFT_SESSION",
    `${device}: after line ${line.lineNumber} ${JSON.stringify(text.trim())} the prompt shows ${modeText(seen)}, outside the config session; nothing more was sent and nothing was committed`,
    { details: { device, line: line.lineNumber, text, mode: seen } },
  );
}

/**
 * A config line that would commit or abort the session it is loaded
 * into; ncm decides that itself, after it has seen the diff.
 */
export function sessionCommandInConfig(
  device: string,
  line: { lineNumber: number; text: string },
): NcmError {
  const text = maskSecrets(line.text);
  return new NcmError(
    "rejected-config",
    "EOS_SESSION_COMMAND_IN_CONFIG",
    `${device}: line ${line.lineNumber} ${JSON.stringify(text.trim())} would commit or abort the config session it is loaded into; remove it from the config (ncm commits or aborts on its own)`,
    { details: { device, line: line.lineNumber, text } },
  );
}

/** `enable` asked for a password and the inventory names none. */
export function enablePasswordNeeded(device: string): NcmError {
  return new NcmError(
    "authentication",
    "EOS_ENABLE_PASSWORD_NEEDED",
    `${device}: enable asks for a password; set enable_password for the device in the inventory, or log in as a user of privilege 15`,
    { retryable: false, details: { device } },
  );
}

/** `enable` refused the password it was given. */
export function enableRefused(device: string, deviceMessage: string): NcmError {
  return new NcmError(
    "authentication",
    "EOS_ENABLE_REFUSED",
    `${device}: enable refused the enable_password of the inventory (${deviceMessage})`,
    { retryable: false, details: { device, deviceMessage } },
  );
}

/** The device answered in a mode we did not put it in. */
export function unexpectedPrompt(
  device: string,
  after: string,
  expected: string,
  seen: string,
): NcmError {
  return new NcmError(
    "protocol",
    "EOS_UNEXPECTED_PROMPT",
    `${device}: after ${after} the prompt shows ${modeText(seen)}; expected ${expected}`,
    { details: { device, mode: seen } },
  );
}

function modeText(mode: string): string {
  return mode === "" ? "exec mode" : `mode ${JSON.stringify(mode)}`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
