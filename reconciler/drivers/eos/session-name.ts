import { randomBytes } from "node:crypto";

/** Every config session ncm opens is named with this prefix. */
export const SESSION_PREFIX = "ncm-";

/** Sessions opened only to show a diff (`ncm device diff`), never committed. */
export const DIFF_SESSION_PREFIX = `${SESSION_PREFIX}diff-`;

/**
 * Who opens a session: a minion, whose leftovers its successor aborts, or
 * a person previewing a change, whose session a minion must not pull away.
 */
export type SessionKind = "minion" | "diff";

/**
 * How old a diff session must be before a minion treats it as a leftover.
 * A diff lives for one load: the connect timeout, a command timeout per
 * prompt (30 s by default) and a few seconds per thousand lines, so
 * minutes at most; a crashed one holds one of the device's few pending
 * sessions until then. The age is read from the name, written by the
 * operator's clock and read by the minion's, so the bound also covers any
 * sane clock skew between the two.
 */
export const DIFF_SESSION_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * A new session name, unique per device in practice: the time in base 36
 * (sortable, short, and how old a diff session is) and random bits for
 * sessions opened in the same millisecond by different processes.
 */
export function newSessionName(
  kind: SessionKind = "minion",
  now: number = Date.now(),
): string {
  const prefix = kind === "diff" ? DIFF_SESSION_PREFIX : SESSION_PREFIX;
  return `${prefix}${now.toString(36)}-${randomBytes(3).toString("hex")}`;
}

export function isNcmSession(name: string): boolean {
  return name.startsWith(SESSION_PREFIX);
}

/**
 * Whether a pending session is ncm's and may be aborted as a leftover at
 * `now`: every minion session, and diff sessions past the age bound, or
 * whose name carries no time (ncm did not write it that way).
 */
export function isLeftoverSession(name: string, now: number): boolean {
  if (!isNcmSession(name)) {
    return false;
  }
  if (!name.startsWith(DIFF_SESSION_PREFIX)) {
    return true;
  }
  const created = createdAt(name.slice(DIFF_SESSION_PREFIX.length));
  // Both ways: a time far ahead is a bad clock, not a young session.
  return created === null || Math.abs(now - created) > DIFF_SESSION_MAX_AGE_MS;
}

function createdAt(rest: string): number | null {
  const match = /^([0-9a-z]{1,11})-[0-9a-f]+$/.exec(rest);
  return match === null ? null : Number.parseInt(match[1] ?? "", 36);
}
