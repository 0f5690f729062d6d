import type { HostKeyIdentity } from "./host-key-identity.ts";

/**
 * The value under a device's key in the `hostkeys` bucket: the SSH host
 * key seen at the first connection, trusted from then on.
 */
export interface PinnedHostKey extends HostKeyIdentity {
  /** When it was first seen (ISO 8601). */
  firstSeenAt: string;
  /** Which minion, or user@host, pinned it. */
  by: string;
}

const FIELDS = ["algorithm", "key", "fingerprint", "firstSeenAt", "by"];

/** The pin in a bucket value, or null when the value is not one. */
export function parsePinnedHostKey(text: string): PinnedHostKey | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) {
    return null;
  }
  const record = value as Record<string, unknown>;
  const complete = FIELDS.every(
    (field) => typeof record[field] === "string" && record[field] !== "",
  );
  return complete ? (record as unknown as PinnedHostKey) : null;
}
