import type { KV, KvEntry } from "@nats-io/kv";
import type { Logger } from "../../../core/log.ts";
import { HOSTKEYS_BUCKET } from "../../../core/nats/resources.ts";
import type { HostKeyVerifier } from "../eos/known-hosts.ts";
import {
  type HostKeyEndpoint,
  hostKeyChanged,
  pinStoreFailed,
  pinUnreadable,
} from "./host-key-errors.ts";
import { type HostKeyIdentity, hostKeyIdentity } from "./host-key-identity.ts";
import { type PinnedHostKey, parsePinnedHostKey } from "./pinned-host-key.ts";

/** Where pins are kept, and who signs the ones made here. */
export interface HostKeyPins {
  /** The `hostkeys` bucket, shared by every minion. */
  bucket: KV;
  /** Stored as `by` with a new pin: a minion's name, or user@host. */
  by: string;
}

/**
 * Trust on first use: with no pin, the presented key is stored and
 * accepted; with a pin, only the same key is accepted and any other is
 * refused with HOST_KEY_CHANGED. The pin is read at every connection, so
 * `ncm hostkey forget` applies at the next one.
 */
export function pinnedHostKeyVerifier(
  at: HostKeyEndpoint,
  pins: HostKeyPins,
  log?: Logger,
): HostKeyVerifier {
  return async (blob) => {
    const presented = hostKeyIdentity(blob);
    const pinned =
      (await readPin(at, pins.bucket)) ??
      (await pinFirst(at, pins, presented, log));
    if (pinned.key !== presented.key) {
      throw hostKeyChanged(at, pinned, presented);
    }
    return true;
  };
}

async function readPin(
  at: HostKeyEndpoint,
  bucket: KV,
): Promise<PinnedHostKey | null> {
  let entry: KvEntry | null;
  try {
    entry = await bucket.get(at.device);
  } catch (err) {
    throw pinStoreFailed(at, "read", err);
  }
  if (entry === null || entry.operation !== "PUT") {
    return null;
  }
  const pin = parsePinnedHostKey(entry.string());
  if (pin === null) {
    throw pinUnreadable(at, HOSTKEYS_BUCKET);
  }
  return pin;
}

/**
 * Stores the first key seen. `create` only succeeds while the key has no
 * value, so when two minions race, one pin is stored and both check
 * against it.
 */
async function pinFirst(
  at: HostKeyEndpoint,
  pins: HostKeyPins,
  presented: HostKeyIdentity,
  log?: Logger,
): Promise<PinnedHostKey> {
  const pin: PinnedHostKey = {
    ...presented,
    firstSeenAt: new Date().toISOString(),
    by: pins.by,
  };
  try {
    await pins.bucket.create(at.device, JSON.stringify(pin));
  } catch (err) {
    const raced = await readPin(at, pins.bucket);
    if (raced !== null) {
      return raced;
    }
    throw pinStoreFailed(at, "store", err);
  }
  log?.info(
    {
      event: "host-key-pinned",
      algorithm: pin.algorithm,
      fingerprint: pin.fingerprint,
    },
    "SSH host key pinned on first use",
  );
  return pin;
}
