import { isIP } from "node:net";
import { NcmError } from "../core/errors.ts";
import type { DeviceSpec } from "../inventory/types.ts";

/**
 * Refuses an intended config that would lock ncm out of the device: one
 * that no longer defines the user ncm logs in with, or no longer holds the
 * address ncm connects to. A device cut off this way needs a console cable,
 * so the refusal can only be lifted per device (`allow_lockout: true`).
 */
export function assertNoLockout(
  spec: DeviceSpec,
  config: string,
  revision: number,
): void {
  if (spec.allowLockout === true || spec.platform !== "eos") {
    // FRR logs in through the host's own users, which its config never holds.
    return;
  }
  const problem = lockoutProblem(spec, config);
  if (problem !== null) {
    throw new NcmError(
      "guard",
      "LOCKOUT_GUARD",
      `${spec.name}: intended revision ${revision} ${problem}; not applied ` +
        "(set allow_lockout: true for this device in the inventory to allow it)",
      { retryable: false, details: { revision } },
    );
  }
}

function lockoutProblem(spec: DeviceSpec, config: string): string | null {
  const lines = config.split(/\r?\n/).map((l) => l.trim());
  const user = `username ${spec.username} `;
  if (!lines.some((l) => l.startsWith(user) || l === user.trimEnd())) {
    return `defines no "username ${spec.username}", the user ncm logs in with`;
  }
  if (checkableAddress(spec.host)) {
    const address = new RegExp(
      `^ip(v6)? address ${escapeRegExp(spec.host)}/\\d+( |$)`,
    );
    if (!lines.some((l) => address.test(l))) {
      return `assigns ${spec.host}, the address ncm connects to, to no interface`;
    }
  }
  return null;
}

/**
 * Only a literal, non-loopback address can be looked for in the config: a
 * DNS name may resolve to any interface, and a loopback address means ncm
 * reaches the device through a tunnel or a simulator.
 */
function checkableAddress(host: string): boolean {
  if (isIP(host) === 0) {
    return false;
  }
  return !(host.startsWith("127.") || host === "::1");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
