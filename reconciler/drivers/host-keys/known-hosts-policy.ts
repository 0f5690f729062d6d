import {
  type HostKeyVerifier,
  knownHostEntries,
  knownHostsVerifier,
} from "../eos/known-hosts.ts";
import { type HostKeyEndpoint, hostKeyUnknown } from "./host-key-errors.ts";
import { hostKeyIdentity } from "./host-key-identity.ts";

/**
 * `host_key: known-hosts`: the key must be listed for the device in the
 * file, as OpenSSH's StrictHostKeyChecking would have it. A host with no
 * line at all is refused with HOST_KEY_UNKNOWN, saying how to add it; a
 * listed host presenting another key is refused as a mismatch.
 */
export function knownHostsPolicyVerifier(
  at: HostKeyEndpoint,
  file: string,
): HostKeyVerifier {
  const listed = knownHostsVerifier(file, at.host, at.port);
  return async (blob) => {
    const entries = await knownHostEntries(file, at.host, at.port);
    if (entries.length === 0) {
      throw hostKeyUnknown(at, file, hostKeyIdentity(blob));
    }
    return listed(blob);
  };
}
