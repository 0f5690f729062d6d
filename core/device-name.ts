import { UsageError } from "./errors.ts";

const DEVICE_NAME = /^[A-Za-z0-9_-]+$/;

/** Longest name we accept; keeps subjects and KV keys readable. */
const MAX_LENGTH = 128;

/**
 * Names whose subjects other ncm subjects already own. A device `events`
 * would have its functions at `ncm.events.<function>`, which the
 * NCM_EVENTS stream captures (`ncm.events.>`): a request would be stored
 * as an event and answered with a JetStream acknowledgement.
 */
const RESERVED: ReadonlyMap<string, string> = new Map([
  ["events", "the NCM_EVENTS stream's subjects (ncm.events.>)"],
]);

/**
 * Device names are KV keys and single subject tokens, so they may hold only
 * letters, digits, `-` and `_`, and may not be a subject token ncm uses
 * for something else. Returns the reason a name is refused, or null when
 * it is valid.
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
  const owner = RESERVED.get(name);
  if (owner !== undefined) {
    return `device name ${JSON.stringify(name)} is reserved: its function subjects would fall under ${owner}; choose another name`;
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
