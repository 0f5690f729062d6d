/**
 * Refusals of a device's SSH host key. Each names the device, what was
 * expected and what was presented, and says how to accept a legitimate
 * change, because a refused device stays refused until someone acts.
 */
import { NcmError } from "../../../core/errors.ts";
import type { HostKeyIdentity } from "./host-key-identity.ts";
import type { PinnedHostKey } from "./pinned-host-key.ts";

/** Where the device is; its name keys the pin. */
export interface HostKeyEndpoint {
  device: string;
  host: string;
  port: number;
}

function where(at: HostKeyEndpoint): string {
  return `${at.device} (${at.host}:${at.port})`;
}

/** The presented key differs from the one pinned in `hostkeys`. */
export function hostKeyChanged(
  at: HostKeyEndpoint,
  pinned: PinnedHostKey,
  presented: HostKeyIdentity,
): NcmError {
  return new NcmError(
    "host-key",
    "HOST_KEY_CHANGED",
    `${where(at)}: the SSH host key changed; refusing to connect. ` +
      `Pinned: ${pinned.algorithm} ${pinned.fingerprint} ` +
      `(first seen ${pinned.firstSeenAt} by ${pinned.by}); ` +
      `presented: ${presented.algorithm} ${presented.fingerprint}. ` +
      "If the device was replaced or re-keyed, compare the presented " +
      "fingerprint with the one on its console, then run " +
      `"ncm hostkey forget ${at.device}" so the next connection pins the new key`,
    {
      retryable: false,
      details: {
        device: at.device,
        pinnedFingerprint: pinned.fingerprint,
        presentedFingerprint: presented.fingerprint,
      },
    },
  );
}

/** `host_key: known-hosts` and the file has no line for the device. */
export function hostKeyUnknown(
  at: HostKeyEndpoint,
  file: string,
  presented: HostKeyIdentity,
): NcmError {
  const name = at.port === 22 ? at.host : `[${at.host}]:${at.port}`;
  return new NcmError(
    "host-key",
    "HOST_KEY_UNKNOWN",
    `${where(at)}: no host key for ${name} in known_hosts file ` +
      `${JSON.stringify(file)}; refusing to connect. The device presented ` +
      `${presented.algorithm} ${presented.fingerprint}; once it is checked, ` +
      `add it (ssh-keyscan -p ${at.port} ${at.host} >> ${file}) ` +
      "or set host_key: pin to trust it on first use",
    {
      retryable: false,
      details: {
        device: at.device,
        knownHosts: file,
        presentedFingerprint: presented.fingerprint,
      },
    },
  );
}

/** What a user can do when no pin store is at hand. */
const PIN_CHOICES =
  "give the NATS server that holds the pins with --server URL (or " +
  "NATS_URL), add known_hosts: FILE to the inventory to check the key " +
  "against that file (host_key: known-hosts), or set host_key: insecure " +
  "(for a lab only)";

/** `host_key: pin` where no `hostkeys` bucket can be reached. */
export function pinUnavailable(at: HostKeyEndpoint): NcmError {
  return new NcmError(
    "host-key",
    "HOST_KEY_PIN_UNAVAILABLE",
    `${where(at)}: host_key pin checks the key pinned in the NATS bucket ` +
      `hostkeys, and this command has no NATS connection; ${PIN_CHOICES}`,
    { retryable: false, details: { device: at.device } },
  );
}

/**
 * `host_key: pin`, no server named, and none that answers at the default
 * URL: the key cannot be checked, and is not trusted unchecked.
 */
export function pinServerUnreachable(
  at: HostKeyEndpoint,
  server: string,
  err: unknown,
): NcmError {
  const reason = err instanceof Error ? err.message : String(err);
  return new NcmError(
    "host-key",
    "HOST_KEY_PIN_UNAVAILABLE",
    `${where(at)}: host_key pin checks the key pinned in the NATS bucket ` +
      `hostkeys, and with no --server given the default ${server} cannot ` +
      `hold them (${reason}); to check the key, ${PIN_CHOICES}`,
    { cause: err, retryable: false, details: { device: at.device, server } },
  );
}

/** The bucket holds something under the device's key that is no pin. */
export function pinUnreadable(at: HostKeyEndpoint, bucket: string): NcmError {
  return new NcmError(
    "host-key",
    "HOST_KEY_PIN_INVALID",
    `${where(at)}: the value under ${at.device} in bucket ${bucket} is not ` +
      `a pinned host key; refusing to connect. Run "ncm hostkey forget ` +
      `${at.device}" to pin the key presented next`,
    { retryable: false, details: { device: at.device } },
  );
}

/** Reading or writing the pin failed; NATS may be back soon. */
export function pinStoreFailed(
  at: HostKeyEndpoint,
  what: string,
  err: unknown,
): NcmError {
  const reason = err instanceof Error ? err.message : String(err);
  return new NcmError(
    "nats",
    "HOST_KEY_PIN_STORE",
    `${where(at)}: cannot ${what} the pinned host key: ${reason}`,
    { cause: err, details: { device: at.device } },
  );
}
