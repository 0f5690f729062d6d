import { createHash } from "node:crypto";
import type { KvEntry } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { maskSecrets } from "../core/mask-secrets.ts";
import { INTENDED_BUCKET } from "../core/nats/resources.ts";
import { jetStreamError, openExistingBucket } from "./existing-bucket.ts";
import type { RevisionRecord } from "./history-record.ts";

/** Longest line excerpt shown in a summary. */
const EXCERPT = 60;
const HASH_DIGITS = 12;

/** Every kept revision of the device's key in `intended`, oldest first. */
export async function intendedRevisions(
  nc: NatsConnection,
  device: string,
): Promise<RevisionRecord[]> {
  const kv = await openExistingBucket(nc, INTENDED_BUCKET);
  if (kv === null) {
    return [];
  }
  const entries: KvEntry[] = [];
  try {
    for await (const entry of await kv.history({ key: device })) {
      entries.push(entry);
    }
  } catch (err) {
    throw jetStreamError(`read the history of ${device} in intended`, err);
  }
  return describeRevisions(entries);
}

/** Turns KV entries into records, each compared with the one before it. */
export function describeRevisions(
  entries: readonly KvEntry[],
): RevisionRecord[] {
  const seen = new Map<string, number>();
  let previous: string | null = null;
  return entries.map((entry) => {
    const record = describeEntry(entry, previous, seen);
    if (entry.operation === "PUT") {
      previous = entry.string();
      seen.set(record.sha256 ?? "", entry.revision);
    }
    return record;
  });
}

function describeEntry(
  entry: KvEntry,
  previous: string | null,
  seen: ReadonlyMap<string, number>,
): RevisionRecord {
  const base = {
    kind: "revision" as const,
    at: entry.created.toISOString(),
    revision: entry.revision,
    operation: entry.operation,
    who: null,
  };
  if (entry.operation !== "PUT") {
    const summary = entry.operation === "DEL" ? "deleted" : "purged";
    return { ...base, size: 0, sha256: null, sameAs: null, summary };
  }
  const text = entry.string();
  const sha256 = createHash("sha256")
    .update(entry.value)
    .digest("hex")
    .slice(0, HASH_DIGITS);
  const sameAs = seen.get(sha256) ?? null;
  const parts = [`${entry.value.length} bytes`, `sha256 ${sha256}`];
  if (sameAs !== null) {
    parts.push(`same as revision ${sameAs}`);
  } else {
    parts.push(
      previous === null ? "first revision" : firstChange(previous, text),
    );
  }
  return {
    ...base,
    size: entry.value.length,
    sha256,
    sameAs,
    summary: parts.join(", "),
  };
}

/**
 * Where two configs first differ, with the new line (or the removed one
 * when the new config just ends earlier). Secrets are masked: history is
 * shown to anyone who may read the bucket, but not necessarily the secrets.
 */
export function firstChange(before: string, after: string): string {
  const old = before.split("\n");
  const next = after.split("\n");
  const length = Math.max(old.length, next.length);
  for (let i = 0; i < length; i++) {
    if (old[i] !== next[i]) {
      const line = next[i];
      const what =
        line === undefined ? `removed ${excerpt(old[i] ?? "")}` : excerpt(line);
      return `first change at line ${i + 1}: ${what}`;
    }
  }
  return "no change";
}

function excerpt(line: string): string {
  const masked = maskSecrets(line.trim());
  const cut =
    masked.length > EXCERPT ? `${masked.slice(0, EXCERPT - 1)}…` : masked;
  return JSON.stringify(cut);
}
