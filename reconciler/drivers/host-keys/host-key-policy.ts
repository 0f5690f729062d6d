import { homedir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../../core/log.ts";
import type { DeviceSpec } from "../../../inventory/types.ts";
import { acceptAnyHostKey, type HostKeyVerifier } from "../eos/known-hosts.ts";
import { type HostKeyEndpoint, pinUnavailable } from "./host-key-errors.ts";
import { knownHostsPolicyVerifier } from "./known-hosts-policy.ts";
import {
  type HostKeyPins,
  pinnedHostKeyVerifier,
} from "./pinned-host-key-verifier.ts";

/**
 * The host key check a device's `hostKeyPolicy` asks for. `pin` needs the
 * shared `hostkeys` bucket; without one (a command run without NATS) every
 * connection is refused with HOST_KEY_PIN_UNAVAILABLE rather than trusting
 * a key nobody can check later.
 */
export function hostKeyVerifier(
  spec: DeviceSpec,
  pins?: HostKeyPins,
  log?: Logger,
): HostKeyVerifier {
  const at: HostKeyEndpoint = {
    device: spec.name,
    host: spec.host,
    port: spec.port,
  };
  switch (spec.hostKeyPolicy) {
    case "known-hosts":
      return knownHostsPolicyVerifier(
        at,
        spec.knownHosts ?? join(homedir(), ".ssh", "known_hosts"),
      );
    case "insecure":
      return acceptAnyHostKey;
    case "pin":
      return pins === undefined
        ? () => Promise.reject(pinUnavailable(at))
        : pinnedHostKeyVerifier(at, pins, log);
  }
}
