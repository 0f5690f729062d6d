import { createHash } from "node:crypto";

/**
 * Highest-random-weight (rendezvous) hashing: every minion computes the
 * same owner for a device from the same member list, and a member joining
 * or leaving moves only the devices it wins or held.
 */
export function rendezvousOwner(
  device: string,
  members: readonly string[],
): string | null {
  let best: string | null = null;
  let bestWeight = "";
  for (const member of members) {
    const weight = createHash("sha1")
      .update(`${member}\u0000${device}`)
      .digest("hex");
    if (best === null || weight > bestWeight) {
      best = member;
      bestWeight = weight;
    }
  }
  return best;
}
