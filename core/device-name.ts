import { UsageError } from "./errors.ts";

const DEVICE_NAME = /^[A-Za-z0-9_-]+$/;

/** Longest name we accept; keeps subjects and KV keys readable. */
const MAX_LENGTH = 128;

/**
 * Device names are KV keys and single subject tokens, so they may hold only
 * letters, digits, `-` and `_`. Returns the reason a name is refused, or
 * null when it is valid.
 */
export function deviceNameProblem(name: string): string | null {
  if (name.length === 0) {
    return "a device name may not be empty";
  }
  if (name.length > MAX_LENGTH) {
    return `device name is ${name.length} characters long; at most ${MAX_LENGTH} allowed`;
  }
  if (!DEVICE_NAME.test(name)) {
    return `invalid device name ${JSON.stringify(name)}: use only letters, digits, '-' and '_'`;
  }
  return null;
}

export function isValidDeviceName(name: string): boolean {
  return deviceNameProblem(name) === null;
}

/** Throws a UsageError naming the bad value when the name is invalid. */
export function assertDeviceName(name: string): string {
  const problem = deviceNameProblem(name);
  if (problem !== null) {
    throw new UsageError(problem);
  }
  return name;
}
