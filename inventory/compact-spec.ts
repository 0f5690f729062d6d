import type { DeviceSpec } from "./types.ts";

/**
 * Drops `key: undefined` entries so printed and compared specs hold only
 * what is set, whichever format they were read from.
 */
export function compactSpec(spec: DeviceSpec): DeviceSpec {
  return Object.fromEntries(
    Object.entries(spec).filter(([, v]) => v !== undefined),
  ) as unknown as DeviceSpec;
}
