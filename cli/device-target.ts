import type { NatsConnection } from "@nats-io/nats-core";
import { assertDeviceName } from "../core/device-name.ts";
import { UsageError } from "../core/errors.ts";
import { DEVICE_BUCKETS, knownDevices } from "./known-devices.ts";

/** What a `DEVICE | --all` command acts on. */
export type DeviceTarget = { all: false; device: string } | { all: true };

/** Exactly one of DEVICE and --all, with a valid device name. */
export function deviceTarget(
  command: string,
  device: string | undefined,
  all: boolean | undefined,
): DeviceTarget {
  if (all === true && device !== undefined) {
    throw new UsageError(
      `${command}: give DEVICE or --all, not both (got ${device} and --all)`,
    );
  }
  if (all === true) {
    return { all: true };
  }
  if (device === undefined) {
    throw new UsageError(`${command}: missing DEVICE (or --all)`);
  }
  return { all: false, device: assertDeviceName(device) };
}

/** The named device, or every device known in `buckets` for --all. */
export function targetDevices(
  nc: NatsConnection,
  target: DeviceTarget,
  buckets: readonly string[] = DEVICE_BUCKETS,
): Promise<string[]> {
  return target.all
    ? knownDevices(nc, buckets)
    : Promise.resolve([target.device]);
}
