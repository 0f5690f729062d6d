import { UsageError } from "../../core/errors.ts";
import {
  type CheckName,
  PLATFORM_CHECKS,
  type Platform,
} from "../../inventory/types.ts";
import { bgpPeers } from "./bgp-peers.ts";
import { inSync, noPendingCommit, reachable } from "./common.ts";
import type { HealthCheck } from "./types.ts";

/**
 * Each platform's checks by name. The names and their order come from
 * PLATFORM_CHECKS, which the inventory validates against; the type makes
 * a name without a check (or a check without a name) a compile error.
 */
const BY_PLATFORM: { [P in Platform]: Record<CheckName<P>, HealthCheck> } = {
  eos: {
    reachable,
    "in-sync": inSync,
    "no-pending-commit": noPendingCommit,
    "bgp-peers": bgpPeers,
  },
  frr: { reachable, "in-sync": inSync, "bgp-peers": bgpPeers },
};

/**
 * The checks to run: those named, else the device's default selection
 * (the inventory's `checks`), else all of the platform's. An unknown name
 * is refused with the list of known ones.
 */
export function selectChecks(
  platform: Platform,
  names: readonly string[],
  defaults?: readonly string[],
): HealthCheck[] {
  const available: Record<string, HealthCheck> = BY_PLATFORM[platform];
  const chosen =
    names.length > 0 ? names : (defaults ?? PLATFORM_CHECKS[platform]);
  return [...new Set(chosen)].map((name) => {
    const check = Object.hasOwn(available, name) ? available[name] : undefined;
    if (check === undefined) {
      const known = PLATFORM_CHECKS[platform].join(", ");
      throw new UsageError(
        `unknown check ${JSON.stringify(name)} for ${platform}; expected one of ${known}`,
      );
    }
    return check;
  });
}
