import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import { NcmError } from "../core/errors.ts";

/** Conflicts in a row before we call it a failure and back off. */
const MAX_CONFLICTS = 5;

export interface PutResult {
  /** False when the key already held exactly this text. */
  changed: boolean;
  revision: number;
}

/**
 * Writes `text` under `key` unless it is already the latest value, so an
 * unchanged file never makes a revision. The write expects the revision it
 * compared against: a put retried after an outage, or a concurrent writer,
 * then fails instead of stacking a duplicate, and we compare again.
 */
export async function putIfChanged(
  kv: KV,
  key: string,
  text: string,
): Promise<PutResult> {
  for (let conflicts = 0; ; conflicts++) {
    const entry = await natsCall(`read intended ${key}`, () => kv.get(key));
    if (entry?.operation === "PUT" && entry.string() === text) {
      return { changed: false, revision: entry.revision };
    }
    try {
      const revision = await kv.put(key, text, {
        previousSeq: entry?.revision ?? 0,
      });
      return { changed: true, revision };
    } catch (err) {
      if (!isConflict(err) || conflicts >= MAX_CONFLICTS) {
        throw natsError(`write intended ${key}`, err);
      }
    }
  }
}

/**
 * Deletes `key` (a delete marker; history keeps the values) when it holds
 * a value. Returns whether a marker was written.
 */
export async function deleteIfPresent(kv: KV, key: string): Promise<boolean> {
  for (let conflicts = 0; ; conflicts++) {
    const entry = await natsCall(`read intended ${key}`, () => kv.get(key));
    if (entry === null || entry.operation !== "PUT") {
      return false;
    }
    try {
      await kv.delete(key, { previousSeq: entry.revision });
      return true;
    } catch (err) {
      if (!isConflict(err) || conflicts >= MAX_CONFLICTS) {
        throw natsError(`delete intended ${key}`, err);
      }
    }
  }
}

/** Someone wrote the key after we read it. */
function isConflict(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence ||
      err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

async function natsCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw natsError(what, err);
  }
}

function natsError(what: string, err: unknown): NcmError {
  const reason = err instanceof Error ? err.message : String(err);
  return new NcmError("nats", "INTENDED_WRITE", `cannot ${what}: ${reason}`, {
    cause: err,
  });
}
