import { homedir } from "node:os";
import { join } from "node:path";
import { NcmError } from "../../core/errors.ts";
import type { DeviceSpec } from "../../inventory/types.ts";
import { EosDriver } from "./eos/eos-driver.ts";
import type { EosDriverOptions } from "./eos/eos-driver-options.ts";
import {
  acceptAnyHostKey,
  type HostKeyVerifier,
  knownHostsVerifier,
} from "./eos/known-hosts.ts";
import { FrrDriver } from "./frr/frr-driver.ts";
import type { DeviceDriver } from "./types.ts";

/** Options for any platform's driver; today those of the EOS driver. */
export type DriverOptions = EosDriverOptions;

/**
 * The driver for a device's platform. Without an explicit `verifyHostKey`,
 * the device's host key policy decides how its key is checked.
 */
export function createDriver(
  spec: DeviceSpec,
  options: DriverOptions = {},
): DeviceDriver {
  switch (spec.platform) {
    case "eos":
      return new EosDriver(spec, {
        ...options,
        verifyHostKey: options.verifyHostKey ?? policyVerifier(spec),
      });
    case "frr":
      // The options FRR shares with EOS; the rest only make sense on EOS.
      return new FrrDriver(spec, {
        log: options.log,
        verifyHostKey: options.verifyHostKey ?? policyVerifier(spec),
        connectTimeoutMs: options.connectTimeoutMs,
        commandTimeoutMs: options.commandTimeoutMs,
        keepaliveIntervalMs: options.keepaliveIntervalMs,
        keepaliveCountMax: options.keepaliveCountMax,
      });
    default:
      throw new NcmError(
        "input",
        "PLATFORM_UNSUPPORTED",
        `${spec.name}: platform ${JSON.stringify(spec.platform)} has no driver yet; supported: eos, frr`,
      );
  }
}

/** The host key check a device's `hostKeyPolicy` asks for. */
function policyVerifier(spec: DeviceSpec): HostKeyVerifier | undefined {
  switch (spec.hostKeyPolicy) {
    case "known-hosts":
      return knownHostsVerifier(
        spec.knownHosts ?? join(homedir(), ".ssh", "known_hosts"),
        spec.host,
        spec.port,
      );
    case "insecure":
      return acceptAnyHostKey;
    case "pin":
      // FIXME: trust-on-first-use pinning needs a key store shared by all
      // minions; until it exists the key is accepted unchecked and the
      // driver logs `host-key-unchecked` on every connection.
      return undefined;
  }
}
