import { NcmError, type SerializedError } from "../core/errors.ts";
import type { ReconcileOutcome } from "../reconciler/types.ts";
import { isRecord } from "./is-record.ts";

/** The reply of the `diff` function. */
export interface DiffReply {
  device: string;
  /** The intended revision the running-config was compared with. */
  intendedRevision: number | null;
  changed: boolean;
  /** Device-side diff, secrets masked; "" when unchanged. */
  diff: string;
}

const RESULTS: ReadonlySet<string> = new Set<ReconcileOutcome["result"]>([
  "in-sync",
  "applied",
  "drifted",
  "failed",
  "unmanaged",
]);

/** Checks the shape of a `diff` reply so a version mismatch fails clearly. */
export function parseDiffReply(value: unknown, subject: string): DiffReply {
  if (
    !isRecord(value) ||
    typeof value.device !== "string" ||
    typeof value.changed !== "boolean" ||
    typeof value.diff !== "string" ||
    !isRevision(value.intendedRevision)
  ) {
    throw badReply(subject, "{device, intendedRevision, changed, diff}");
  }
  return {
    device: value.device,
    intendedRevision: value.intendedRevision ?? null,
    changed: value.changed,
    diff: value.diff,
  };
}

/** Checks the shape of a `reconcile` reply (a ReconcileOutcome). */
export function parseReconcileOutcome(
  value: unknown,
  subject: string,
): ReconcileOutcome {
  if (
    !isRecord(value) ||
    typeof value.device !== "string" ||
    typeof value.result !== "string" ||
    !RESULTS.has(value.result) ||
    !isRevision(value.intendedRevision) ||
    typeof value.durationMs !== "number"
  ) {
    throw badReply(subject, "a reconcile outcome {device, result, ...}");
  }
  const outcome: ReconcileOutcome = {
    device: value.device,
    result: value.result as ReconcileOutcome["result"],
    intendedRevision: value.intendedRevision ?? null,
    durationMs: value.durationMs,
  };
  if (typeof value.diff === "string") {
    outcome.diff = value.diff;
  }
  if (isRecord(value.error)) {
    outcome.error = serializedError(value.error);
  }
  if (typeof value.cached === "boolean") {
    outcome.cached = value.cached;
  }
  return outcome;
}

function isRevision(value: unknown): value is number | null | undefined {
  return value === null || value === undefined || typeof value === "number";
}

function serializedError(value: Record<string, unknown>): SerializedError {
  const text = (field: string, fallback: string): string => {
    const v = value[field];
    return typeof v === "string" ? v : fallback;
  };
  // The minion sends an NcmError's own JSON; the category is trusted as is
  // because it is only shown, never used to decide anything here.
  return {
    name: text("name", "NcmError"),
    code: text("code", "UNKNOWN"),
    category: text("category", "internal") as SerializedError["category"],
    retryable: value.retryable === true,
    message: text("message", "no message"),
  };
}

function badReply(subject: string, expected: string): NcmError {
  return new NcmError(
    "protocol",
    "FUNCTION_REPLY",
    `unexpected reply on ${subject}: expected ${expected} ` +
      "(are the minion and this ncm the same version?)",
    { retryable: false },
  );
}
