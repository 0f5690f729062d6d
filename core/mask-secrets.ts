/**
 * Masks secrets inside config text and diffs before they are logged or
 * stored in events: hashed or obfuscated passwords are still secrets, since
 * type 7 is reversible and sha512 hashes can be brute-forced offline.
 */

const MASK = "<masked>";

/** A keyword, optionally an encryption type, then the secret token. */
const PATTERNS: readonly RegExp[] = [
  /\b(secret(?:\s+(?:sha512|5|0|7|8a|nopassword))?\s+)(\S+)/g,
  /\b(password(?:\s+(?:0|5|7|8a|sha512))?\s+)(\S+)/g,
  /\b(key(?:\s+(?:0|5|7|8a))?\s+)(\S+)/g,
  /\b(community\s+)(\S+)/g,
  /\b(authentication-key(?:\s+\d+)?\s+)(\S+)/g,
  /\b(message-digest-key\s+\d+\s+md5(?:\s+\d+)?\s+)(\S+)/g,
];

export function maskSecrets(text: string): string {
  let masked = text;
  for (const pattern of PATTERNS) {
    masked = masked.replace(pattern, (_m, lead: string) => `${lead}${MASK}`);
  }
  return masked;
}
