/**
 * Masks secrets inside config text and diffs before they are logged or
 * stored in events: hashed or obfuscated passwords are still secrets, since
 * type 7 is reversible and sha512 hashes can be brute-forced offline.
 *
 * Lines are read token by token rather than with one pattern a keyword:
 * what stands between a keyword and its secret (a key id, a digest, an
 * encoding) differs per command, and a pattern that takes the wrong token
 * leaves the secret in plain sight.
 */

const MASK = "<masked>";

/** Reversible (0, 7, 8a) and hashed (5, sha512) encodings before a secret. */
const ENCODINGS = new Set(["0", "5", "7", "8a", "sha512"]);
/** FRR and IS-IS name the kind of password before it. */
const PASSWORD_KINDS = new Set([...ENCODINGS, "clear", "md5", "hmac-md5"]);
const DIGEST = /^(?:md5|sha\d*|hmac-\S+)$/;
const SNMP_AUTH = /^(?:md5|sha\d*)$/;
const SNMP_PRIV = /^(?:des|3des|aes\d*)$/;
const NUMBER = /^\d+$/;

/** Where in `tokens` the secret after the keyword at `i` is, or -1. */
type SecretFinder = (tokens: readonly string[], i: number) => number;

/** After `i`, steps over one token of `kinds` when a secret follows it. */
function skipKind(
  tokens: readonly string[],
  i: number,
  kinds: ReadonlySet<string>,
): number {
  const next = tokens[i + 1];
  return next !== undefined && kinds.has(next) && i + 2 < tokens.length
    ? i + 2
    : i + 1;
}

function secretAfterSecret(tokens: readonly string[], i: number): number {
  const at = skipKind(tokens, i, ENCODINGS);
  return tokens[at] === "nopassword" ? -1 : at;
}

function secretAfterPassword(tokens: readonly string[], i: number): number {
  const at = skipKind(tokens, i, PASSWORD_KINDS);
  return tokens[at] === "encryption-key" ? -1 : at;
}

/**
 * `key 7 K`, `key 1234 7 K` (MACsec: a key name, then the key),
 * `authentication-key 1 md5 7 K` (a key id and a digest), but neither
 * `key chain NAME` nor a bare `key 1` opening an FRR key-chain entry.
 */
function secretAfterKey(tokens: readonly string[], i: number): number {
  const [next, second] = [tokens[i + 1], tokens[i + 2]];
  if (next === undefined || next === "chain") {
    return -1;
  }
  if (NUMBER.test(next) && second === undefined) {
    return -1;
  }
  if (NUMBER.test(next) && second !== undefined && DIGEST.test(second)) {
    return skipKind(tokens, i + 2, ENCODINGS);
  }
  if (second !== undefined && ENCODINGS.has(second) && i + 3 < tokens.length) {
    return i + 3;
  }
  return skipKind(tokens, i, ENCODINGS);
}

/** SNMPv3 `auth sha K` and `priv aes K`. */
function secretAfterAlgorithm(pattern: RegExp): SecretFinder {
  return (tokens, i) => {
    const next = tokens[i + 1];
    return next !== undefined && pattern.test(next) ? i + 2 : -1;
  };
}

function finderFor(
  token: string,
  tokens: readonly string[],
): SecretFinder | undefined {
  switch (token) {
    case "secret":
      return secretAfterSecret;
    case "password":
    case "area-password":
    case "domain-password":
      return secretAfterPassword;
    case "key-string":
      return (t, i) => skipKind(t, i, ENCODINGS);
    case "auth":
      return secretAfterAlgorithm(SNMP_AUTH);
    case "priv":
      return secretAfterAlgorithm(SNMP_PRIV);
    case "text":
      return (t, i) => (t[i - 1] === "authentication" ? i + 1 : -1);
    case "community":
      // Route maps `set community 65000:1`: only SNMP's is a secret.
      return commandOf(tokens) === "snmp-server" ? (_t, i) => i + 1 : undefined;
    default:
      return token === "key" ||
        (token.endsWith("-key") && token !== "encryption-key")
        ? secretAfterKey
        : undefined;
  }
}

/** The command word of a line, past a diff's leading `+` or `-`. */
function commandOf(tokens: readonly string[]): string | undefined {
  return tokens.find((t) => !/^[+-]$/.test(t))?.replace(/^[+-]/, "");
}

/** Indexes of the secret tokens of one line's tokens. */
function secretIndexes(tokens: readonly string[]): Set<number> {
  const found = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const finder = finderFor(tokens[i] as string, tokens);
    const at = finder === undefined ? -1 : finder(tokens, i);
    if (at > i && at < tokens.length && tokens[at] !== MASK) {
      found.add(at);
    }
  }
  return found;
}

/** Each line's words and the whitespace between them, in order. */
function eachLine(text: string, visit: (parts: string[]) => string): string {
  return text
    .split("\n")
    .map((line) => visit(line.split(/(\s+)/)))
    .join("\n");
}

/** Applies `onSecret` to every secret word of `parts` (words at even places). */
function visitSecrets(
  parts: string[],
  onSecret: (word: string, index: number) => void,
): void {
  const words = parts.filter((_p, i) => i % 2 === 0 && parts[i] !== "");
  const places = parts.flatMap((p, i) => (i % 2 === 0 && p !== "" ? [i] : []));
  for (const index of secretIndexes(words)) {
    onSecret(words[index] as string, places[index] as number);
  }
}

export function maskSecrets(text: string): string {
  return eachLine(text, (parts) => {
    visitSecrets(parts, (_word, place) => {
      parts[place] = MASK;
    });
    return parts.join("");
  });
}

/** The tokens maskSecrets would replace in `text`. */
export function secretTokens(text: string): string[] {
  const tokens = new Set<string>();
  eachLine(text, (parts) => {
    visitSecrets(parts, (word) => tokens.add(word));
    return "";
  });
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
