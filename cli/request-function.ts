import {
  type Msg,
  type NatsConnection,
  RequestError,
  TimeoutError,
} from "@nats-io/nats-core";
import { type ErrorCategory, NcmError, UsageError } from "../core/errors.ts";
import {
  ERROR_CODE_HEADER,
  type FunctionName,
  functionSubject,
} from "../functions/types.ts";
import { deviceOwner } from "./device-owner.ts";
import { parseRecord, stringField } from "./is-record.ts";

/** Headers of a NATS micro service error reply. */
const SERVICE_ERROR = "Nats-Service-Error";
const SERVICE_ERROR_CODE = "Nats-Service-Error-Code";

/**
 * Seconds to wait for a function's reply by default: a reconcile or a diff
 * on a slow device takes a minute, and a second try would only queue
 * behind the first on the minion.
 */
export const DEFAULT_TIMEOUT_SECONDS = 120;

/** One or more subject tokens, as `--prefix` must be. */
const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export interface FunctionRequest {
  /** Subject prefix of the functions (`--prefix`). */
  prefix: string;
  device: string;
  name: FunctionName;
  /** How long to wait for the minion's reply. */
  timeoutMs: number;
  payload?: string;
}

/** Checks a reply's shape; `subject` is for the error message. */
export type ReplyParser<T> = (value: unknown, subject: string) => T;

/**
 * Calls a device's function and returns its JSON reply, checked by
 * `parse`. Every failure becomes an NcmError: no minion serving the
 * device, no reply in time, an error reply, or a reply of the wrong shape.
 * A device no live minion owns fails at once: every minion hears the
 * request, but only the owner answers, so nobody would.
 */
export async function requestFunction<T>(
  nc: NatsConnection,
  request: FunctionRequest,
  parse: ReplyParser<T>,
): Promise<T> {
  const subject = functionSubject(request.prefix, request.device, request.name);
  const owner = await deviceOwner(nc, request.device);
  if (owner.state === "unowned") {
    throw noMinion(request, subject, owner.why);
  }
  let reply: Msg;
  try {
    reply = await nc.request(subject, request.payload ?? "", {
      timeout: request.timeoutMs,
    });
  } catch (err) {
    throw requestFailure(err, request, subject);
  }
  if (reply.headers?.get(SERVICE_ERROR_CODE)) {
    throw errorReply(reply, subject);
  }
  return parse(replyJson(reply, subject), subject);
}

/** Refuses a `--prefix` that is not a plain subject prefix. */
export function assertPrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) {
    throw new UsageError(
      `invalid --prefix ${JSON.stringify(prefix)}: expected subject ` +
        "tokens of letters, digits, '-' and '_' joined by '.'",
    );
  }
  return prefix;
}

function hintFor(request: FunctionRequest): string {
  return `is a minion running with ${request.device} in its inventory?`;
}

/** No minion can answer; `why` says how we know, when we do. */
function noMinion(
  request: FunctionRequest,
  subject: string,
  why?: string,
  cause?: unknown,
): NcmError {
  const known = why === undefined ? "" : `: ${why}`;
  return new NcmError(
    "unreachable",
    "NO_MINION",
    `no minion serves ${request.device} on subject ${subject}${known} ` +
      `(${hintFor(request)})`,
    { cause, details: { device: request.device, subject } },
  );
}

function requestFailure(
  err: unknown,
  request: FunctionRequest,
  subject: string,
): NcmError {
  const hint = hintFor(request);
  if (err instanceof RequestError && err.isNoResponders()) {
    return noMinion(request, subject, undefined, err);
  }
  if (err instanceof TimeoutError) {
    const seconds = request.timeoutMs / 1000;
    return new NcmError(
      "timeout",
      "FUNCTION_TIMEOUT",
      `no reply on subject ${subject} within ${seconds} s ` +
        `(${hint} a slow device may need a longer --timeout)`,
      { cause: err, details: { device: request.device, subject } },
    );
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new NcmError(
    "nats",
    "NATS_REQUEST",
    `request on ${subject} failed: ${reason}`,
    {
      cause: err,
    },
  );
}

/** Rebuilds the NcmError a function replied with. */
function errorReply(reply: Msg, subject: string): NcmError {
  const status = Number(reply.headers?.get(SERVICE_ERROR_CODE));
  const body = parseRecord(reply.string());
  const message =
    stringField(body, "message") ??
    reply.headers?.get(SERVICE_ERROR) ??
    `error ${status}`;
  const code =
    stringField(body, "code") ??
    reply.headers?.get(ERROR_CODE_HEADER) ??
    `SERVICE_${status}`;
  const category = categoryOf(stringField(body, "category"), status);
  const retryable = body?.retryable;
  return new NcmError(category, code, message, {
    retryable: typeof retryable === "boolean" ? retryable : undefined,
    details: { subject, status },
  });
}

function replyJson(reply: Msg, subject: string): unknown {
  try {
    return JSON.parse(reply.string());
  } catch (err) {
    throw new NcmError(
      "protocol",
      "FUNCTION_REPLY",
      `the reply on ${subject} is not JSON (${reply.data.length} bytes)`,
      { cause: err, retryable: false },
    );
  }
}

/** Categories a reply may name; anything else is treated by status code. */
const CATEGORIES: ReadonlySet<string> = new Set<ErrorCategory>([
  "authentication",
  "unreachable",
  "timeout",
  "rejected-config",
  "session-limit",
  "protocol",
  "host-key",
  "input",
  "guard",
  "nats",
  "fenced",
  "internal",
]);

function categoryOf(named: string | undefined, status: number): ErrorCategory {
  if (named !== undefined && CATEGORIES.has(named)) {
    return named as ErrorCategory;
  }
  if (status === 400 || status === 404) {
    return "input";
  }
  return status === 503 ? "unreachable" : "internal";
}
