import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { MINIONS_BUCKET, OWNERS_BUCKET } from "../core/nats/resources.ts";
import { openExistingBucket } from "./existing-bucket.ts";
import { parseRecord, stringField } from "./is-record.ts";

/**
 * Whether a live minion owns a device, as the minions' own records say:
 * `owners` names the minion holding the device, `minions` holds each
 * minion's heartbeat. `unknown` when the records cannot tell (no minion
 * ever ran, or they cannot be read): the request then goes out as is.
 */
export type DeviceOwner =
  | { state: "owned"; owner: string }
  | { state: "unowned"; why: string }
  | { state: "unknown" };

/**
 * A heartbeat counts as stale after twice the minion's own time to live:
 * the second one covers clocks of this host and the minion's disagreeing.
 */
const STALE_FACTOR = 2;

interface Buckets {
  owners: KV;
  minions: KV | null;
}

/** One lookup of the buckets per connection, however many devices. */
const opened = new WeakMap<NatsConnection, Promise<Buckets | null>>();

/**
 * Who serves the device's functions. Minions that do not own a device stay
 * silent on its subject, so without this check a request for a device
 * nobody owns waits its whole timeout.
 */
export async function deviceOwner(
  nc: NatsConnection,
  device: string,
): Promise<DeviceOwner> {
  try {
    const buckets = await bucketsOf(nc);
    return buckets === null
      ? { state: "unknown" }
      : await ownerIn(buckets, device);
  } catch {
    // Unreadable records (permissions, an outage) must not stop a request
    // that may well be answered.
    return { state: "unknown" };
  }
}

function bucketsOf(nc: NatsConnection): Promise<Buckets | null> {
  let buckets = opened.get(nc);
  if (buckets === undefined) {
    buckets = openBuckets(nc);
    opened.set(nc, buckets);
  }
  return buckets;
}

/** Without `owners` no minion ever ran: NATS says "no responders" then. */
async function openBuckets(nc: NatsConnection): Promise<Buckets | null> {
  const owners = await openExistingBucket(nc, OWNERS_BUCKET);
  if (owners === null) {
    return null;
  }
  return { owners, minions: await openExistingBucket(nc, MINIONS_BUCKET) };
}

async function ownerIn(buckets: Buckets, device: string): Promise<DeviceOwner> {
  const owner = stringField(await jsonAt(buckets.owners, device), "owner");
  if (owner === undefined) {
    return { state: "unowned", why: "no running minion owns it" };
  }
  const member =
    buckets.minions === null ? null : await jsonAt(buckets.minions, owner);
  if (member === null) {
    return {
      state: "unowned",
      why: `its owner ${owner} is not running (it is not in bucket ${MINIONS_BUCKET})`,
    };
  }
  const heartbeatAt = stringField(member, "heartbeatAt") ?? "";
  const ttlMs = Number(member.ttlMs);
  const age = Date.now() - Date.parse(heartbeatAt);
  if (Number.isFinite(ttlMs) && age > STALE_FACTOR * ttlMs) {
    return {
      state: "unowned",
      why: `its owner ${owner} has sent no heartbeat since ${heartbeatAt}`,
    };
  }
  return { state: "owned", owner };
}

/** The JSON object under `key`, or null when there is none. */
async function jsonAt(
  kv: KV,
  key: string,
): Promise<Record<string, unknown> | null> {
  const entry = await kv.get(key);
  return entry === null || entry.operation !== "PUT"
    ? null
    : parseRecord(entry.string());
}
