import { randomBytes } from "node:crypto";

/** Every config session ncm opens is named with this prefix. */
export const SESSION_PREFIX = "ncm-";

/**
 * A new session name, unique per device in practice: the time in base 36
 * (sortable, short) and random bits for sessions opened in the same
 * millisecond by different processes.
 */
export function newSessionName(now: number = Date.now()): string {
  return `${SESSION_PREFIX}${now.toString(36)}-${randomBytes(3).toString("hex")}`;
}

export function isNcmSession(name: string): boolean {
  return name.startsWith(SESSION_PREFIX);
}
