import { UsageError } from "../../core/errors.ts";
import type { Platform } from "../../inventory/types.ts";
import { inSync, noPendingCommit, reachable } from "./common.ts";
import { frrBgpPeers } from "./frr-bgp-peers.ts";
import type { HealthCheck } from "./types.ts";

/** The checks each platform runs by default; add a platform's own here. */
const BY_PLATFORM: Record<Platform, HealthCheck[]> = {
  eos: [reachable, inSync, noPendingCommit],
  frr: [reachable, inSync, frrBgpPeers],
};

/**
 * The checks to run: all of the platform's, or only those named. An
 * unknown name is refused with the list of known ones.
 */
export function selectChecks(
  platform: Platform,
  names: string[],
): HealthCheck[] {
  const available = BY_PLATFORM[platform];
  if (names.length === 0) {
    return available;
  }
  return names.map((name) => {
    const check = available.find((c) => c.name === name);
    if (check === undefined) {
      const known = available.map((c) => c.name).join(", ");
      throw new UsageError(
        `unknown check ${JSON.stringify(name)} for ${platform}; expected one of ${known}`,
      );
    }
    return check;
  });
}
