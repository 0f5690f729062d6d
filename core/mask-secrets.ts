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

/** The tokens maskSecrets would replace in `text`. */
export function secretTokens(text: string): string[] {
  const tokens = new Set<string>();
  for (const pattern of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      if (match[2] !== undefined && match[2] !== MASK) {
        tokens.add(match[2]);
      }
    }
  }
  return [...tokens];
}

/**
 * Masks in `message` the secrets of `config`: what a device says about a
 * line (`% Invalid input (at token 4: '…')`) may quote its secret, and the
 * message itself has no keyword to mask by.
 */
export function maskSecretsOf(config: string, message: string): string {
  let masked = message;
  for (const token of secretTokens(config)) {
    masked = masked.split(token).join(MASK);
  }
  return masked;
}
