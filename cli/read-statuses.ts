import type { KV, KvEntry } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { NcmError } from "../core/errors.ts";
import { STATUS_BUCKET } from "../core/nats/resources.ts";
import type { DeviceStatus } from "../reconciler/types.ts";
import { jetStreamError, openExistingBucket } from "./existing-bucket.ts";
import { compareDevices } from "./format/device-order.ts";
import { isRecord } from "./is-record.ts";

export interface Statuses {
  /** Latest status of each device, in device order. */
  statuses: DeviceStatus[];
  /** Keys whose value is no status this version can read. */
  unreadable: string[];
}

/** Every device's latest status; empty when the bucket does not exist yet. */
export async function readStatuses(nc: NatsConnection): Promise<Statuses> {
  const kv = await openExistingBucket(nc, STATUS_BUCKET);
  const result: Statuses = { statuses: [], unreadable: [] };
  if (kv === null) {
    return result;
  }
  for (const [key, entry] of await latestEntries(kv)) {
    const status = parseStatus(entry);
    if (status === null) {
      result.unreadable.push(key);
    } else {
      result.statuses.push(status);
    }
  }
  result.statuses.sort((a, b) => compareDevices(a.device, b.device));
  return result;
}

/** One device's status, or null when none was ever written (or deleted). */
export async function readStatus(
  nc: NatsConnection,
  device: string,
): Promise<DeviceStatus | null> {
  const kv = await openExistingBucket(nc, STATUS_BUCKET);
  if (kv === null) {
    return null;
  }
  let entry: KvEntry | null;
  try {
    entry = await kv.get(device);
  } catch (err) {
    throw jetStreamError(`read the status of ${device}`, err);
  }
  if (entry === null || entry.operation !== "PUT") {
    return null;
  }
  const status = parseStatus(entry);
  if (status === null) {
    throw new NcmError(
      "protocol",
      "STATUS_UNREADABLE",
      `the status of ${device} is not a status this ncm can read (revision ${entry.revision})`,
      { retryable: false },
    );
  }
  return status;
}

/**
 * The last PUT of each key. The bucket keeps one value a key, but reading
 * its whole history and keeping the newest stays right if someone created
 * it with more.
 */
async function latestEntries(kv: KV): Promise<Map<string, KvEntry>> {
  const latest = new Map<string, KvEntry>();
  try {
    for await (const entry of await kv.history({ key: ">" })) {
      if (entry.operation === "PUT") {
        latest.set(entry.key, entry);
      } else {
        latest.delete(entry.key);
      }
    }
  } catch (err) {
    throw jetStreamError(`read KV bucket ${STATUS_BUCKET}`, err);
  }
  return latest;
}

function parseStatus(entry: KvEntry): DeviceStatus | null {
  if (entry.operation !== "PUT") {
    return null;
  }
  try {
    const value: unknown = entry.json();
    return isRecord(value) &&
      typeof value.device === "string" &&
      typeof value.state === "string"
      ? (value as unknown as DeviceStatus)
      : null;
  } catch {
    return null;
  }
}
