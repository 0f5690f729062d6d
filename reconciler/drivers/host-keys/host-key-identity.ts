import { createHash } from "node:crypto";

/** What is shown and stored about an SSH host key. */
export interface HostKeyIdentity {
  /** The key type named inside the blob, such as `ssh-ed25519`. */
  algorithm: string;
  /** The raw public key blob, base64. */
  key: string;
  /** As OpenSSH prints it: `SHA256:` and unpadded base64. */
  fingerprint: string;
}

/** Describes the raw public key blob a server presented. */
export function hostKeyIdentity(blob: Buffer): HostKeyIdentity {
  return {
    algorithm: keyType(blob),
    key: blob.toString("base64"),
    fingerprint: fingerprintOf(blob),
  };
}

/** `SHA256:…` of a raw key blob, comparable with `ssh-keygen -lf`. */
export function fingerprintOf(blob: Buffer): string {
  const digest = createHash("sha256").update(blob).digest("base64");
  return `SHA256:${digest.replace(/=+$/, "")}`;
}

/**
 * The blob starts with its type as a length-prefixed string. A blob too
 * short to hold one is still fingerprinted, under the type `unknown`.
 */
function keyType(blob: Buffer): string {
  if (blob.length < 4) {
    return "unknown";
  }
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) {
    return "unknown";
  }
  return blob.subarray(4, 4 + length).toString("latin1");
}
