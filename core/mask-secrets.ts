/**
 * Masks secrets inside config text and diffs before they are logged or
 * stored in events: hashed or obfuscated passwords are still secrets, since
 * type 7 is reversible and sha512 hashes can be brute-forced offline.
 */

const MASK = "<masked>";

/** A keyword, optionally an encryption type, then the secret token. */
const PATTERNS: readonly RegExp[] = [
  /\b(secret(?:[ \t]+(?:sha512|5|0|7|8a|nopassword))?[ \t]+)(\S+)/g,
  /\b(password(?:[ \t]+(?:0|5|7|8a|sha512))?[ \t]+)(\S+)/g,
  /\b(key(?:[ \t]+(?:0|5|7|8a))?[ \t]+)(\S+)/g,
  /\b(community[ \t]+)(\S+)/g,
  /\b(authentication-key(?:[ \t]+\d+)?[ \t]+)(\S+)/g,
  /\b(message-digest-key[ \t]+\d+[ \t]+md5(?:[ \t]+\d+)?[ \t]+)(\S+)/g,
];

export function maskSecrets(text: string): string {
  let masked = text;
  for (const pattern of PATTERNS) {
    masked = masked.replace(pattern, (_m, lead: string) => `${lead}${MASK}`);
  }
  return masked;
}
