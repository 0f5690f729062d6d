import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { isValidDeviceName } from "../core/device-name.ts";
import { INTENDED_BUCKET, STATUS_BUCKET } from "../core/nats/resources.ts";
import { jetStreamError, openExistingBucket } from "./existing-bucket.ts";
import { compareDevices } from "./format/device-order.ts";

/** Where devices are known from by default: reported on, or configured. */
export const DEVICE_BUCKETS: readonly string[] = [
  STATUS_BUCKET,
  INTENDED_BUCKET,
];

/**
 * Every device with a key in any of the buckets (by default: a minion
 * reported its status, or someone wrote its intended config). This is what
 * `--all` acts on; keys that are no valid device name (written by hand)
 * are left out, and buckets that do not exist count as empty.
 */
export async function knownDevices(
  nc: NatsConnection,
  buckets: readonly string[] = DEVICE_BUCKETS,
): Promise<string[]> {
  const names = new Set<string>();
  for (const bucket of buckets) {
    const kv = await openExistingBucket(nc, bucket);
    if (kv !== null) {
      for (const key of await bucketKeys(kv, bucket)) {
        names.add(key);
      }
    }
  }
  return [...names].filter(isValidDeviceName).sort(compareDevices);
}

async function bucketKeys(kv: KV, bucket: string): Promise<string[]> {
  try {
    const keys: string[] = [];
    for await (const key of await kv.keys()) {
      keys.push(key);
    }
    return keys;
  } catch (err) {
    throw jetStreamError(`list the keys of KV bucket ${bucket}`, err);
  }
}
