import { isAbsolute, resolve } from "node:path";
import { validateCronExpression } from "cron";
import { type HostKeyPolicy, PLATFORMS, type Platform } from "./types.ts";

/**
 * Turns one raw YAML value into a typed setting, or returns undefined after
 * telling `fail` what was expected. Parsers never see which device they
 * serve; the caller words the message.
 */
export type FieldParser<T> = (
  value: unknown,
  fail: (expected: string) => undefined,
  baseDir: string,
  home: string,
) => T | undefined;

const HOST_KEY_POLICIES: readonly HostKeyPolicy[] = [
  "pin",
  "known-hosts",
  "insecure",
];

export const text: FieldParser<string> = (value, fail) =>
  typeof value === "string" && value.trim().length > 0
    ? value
    : fail("a non-empty string");

/** Secrets may be any string; a number is refused so it gets quoted. */
export const secret: FieldParser<string> = (value, fail) =>
  typeof value === "string" ? value : fail("a string (quote it)");

export const host: FieldParser<string> = (value, fail) =>
  typeof value === "string" && /^[^\s/]+$/.test(value)
    ? value
    : fail("a host name or IP address");

export const port: FieldParser<number> = (value, fail) => {
  const n = wholeNumber(value);
  return n !== undefined && n >= 1 && n <= 65535
    ? n
    : fail("a whole number from 1 to 65535");
};

export const nonNegative: FieldParser<number> = (value, fail) => {
  const n = wholeNumber(value);
  return n !== undefined && n >= 0 ? n : fail("a whole number, 0 or more");
};

export const platform: FieldParser<Platform> = (value, fail) =>
  PLATFORMS.find((p) => p === value) ?? fail(PLATFORMS.join(" or "));

export const hostKeyPolicy: FieldParser<HostKeyPolicy> = (value, fail) =>
  HOST_KEY_POLICIES.find((p) => p === value) ??
  fail(HOST_KEY_POLICIES.join(", ").replace(/, (?=[^,]*$)/, " or "));

export const flag: FieldParser<boolean> = (value, fail) => {
  if (value === true || value === "true") {
    return true;
  }
  if (value === false || value === "false") {
    return false;
  }
  return fail("true or false");
};

export const cron: FieldParser<string> = (value, fail) => {
  if (typeof value !== "string") {
    return fail("a cron expression such as '*/5 * * * *'");
  }
  const check = validateCronExpression(value);
  return check.valid
    ? value
    : fail(
        `a cron expression such as '*/5 * * * *' (${check.error?.message ?? "invalid"})`,
      );
};

/** A file path: `~` is the home directory, relative to the inventory. */
export const path: FieldParser<string> = (value, fail, baseDir, home) => {
  if (typeof value !== "string" || value.trim().length === 0) {
    return fail("a file path");
  }
  return expandPath(value, baseDir, home);
};

export function expandPath(p: string, baseDir: string, home: string): string {
  if (p === "~" || p.startsWith("~/")) {
    return resolve(home, p.slice(2));
  }
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

/** Environment expansion yields strings, so "2201" counts as a number. */
function wholeNumber(value: unknown): number | undefined {
  if (typeof value === "number") {
    return Number.isInteger(value) ? value : undefined;
  }
  if (typeof value === "string" && /^\d+$/.test(value)) {
    return Number(value);
  }
  return undefined;
}

/** `{ pattern: REGEX, ms: N }`: the simulator's stall fault. */
export const stall: FieldParser<{ pattern: string; ms: number }> = (
  value,
  fail,
) => {
  const expected = "{ pattern: <regular expression>, ms: <whole number> }";
  if (typeof value !== "object" || value === null) {
    return fail(expected);
  }
  const { pattern, ms } = value as Record<string, unknown>;
  const delay = wholeNumber(ms);
  if (typeof pattern !== "string" || delay === undefined || delay < 0) {
    return fail(expected);
  }
  try {
    new RegExp(pattern);
  } catch {
    return fail(`${expected} with a valid regular expression`);
  }
  return { pattern, ms: delay };
};
