import { NcmError } from "../../core/errors.ts";
import type { DeviceSpec } from "../../inventory/types.ts";
import { EosDriver } from "./eos/eos-driver.ts";
import type { EosDriverOptions } from "./eos/eos-driver-options.ts";
import { FrrDriver } from "./frr/frr-driver.ts";
import { hostKeyVerifier } from "./host-keys/host-key-policy.ts";
import type { HostKeyPins } from "./host-keys/pinned-host-key-verifier.ts";
import type { DeviceDriver } from "./types.ts";

/** Options for any platform's driver: the EOS driver's, and the pins. */
export type DriverOptions = EosDriverOptions & {
  /**
   * The shared `hostkeys` bucket, for devices with `host_key: pin`.
   * Without it such devices are refused (HOST_KEY_PIN_UNAVAILABLE).
   */
  hostKeys?: HostKeyPins;
};

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
        verifyHostKey:
          options.verifyHostKey ??
          hostKeyVerifier(spec, options.hostKeys, options.log),
      });
    case "frr":
      // The options FRR shares with EOS; the rest only make sense on EOS.
      return new FrrDriver(spec, {
        log: options.log,
        verifyHostKey:
          options.verifyHostKey ??
          hostKeyVerifier(spec, options.hostKeys, options.log),
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
