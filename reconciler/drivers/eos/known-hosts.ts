import { createHmac, timingSafeEqual } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { NcmError } from "../../../core/errors.ts";

/**
 * Decides whether a host key (the raw SSH public key blob) is the right one
 * for the device. Resolving false refuses the connection; throwing an
 * NcmError refuses it with that error, so the verifier can say why.
 */
export type HostKeyVerifier = (key: Buffer) => boolean | Promise<boolean>;

/** Key types we compare; certificates and others are ignored. */
const KEY_TYPES = new Set([
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
]);

/** Accepts any host key. For labs only. */
export const acceptAnyHostKey: HostKeyVerifier = () => true;

/**
 * Checks host keys against an OpenSSH known_hosts file, as `ssh` would for
 * `host` (port 22) or `[host]:port`: plain and hashed (`|1|…`) host
 * patterns, comma-separated lists, `@revoked` entries. A host with no entry
 * is refused. The file is looked at on every check, so edits apply at the
 * next connection.
 */
export function knownHostsVerifier(
  file: string,
  host: string,
  port: number,
): HostKeyVerifier {
  return async (key) => {
    const entries = await knownHostEntries(file, host, port);
    if (entries.some((e) => e.revoked && e.key.equals(key))) {
      return false;
    }
    return entries.some((e) => !e.revoked && e.key.equals(key));
  };
}

/**
 * The entries of a known_hosts file that name `host` at `port`, revoked
 * ones included, so a caller can tell an unknown host from a changed key.
 */
export async function knownHostEntries(
  file: string,
  host: string,
  port: number,
): Promise<KnownHostEntry[]> {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const index = await knownHostsIndex(file);
  return [
    ...(index.plain.get(name) ?? []),
    ...index.hashed.filter((e) => e.patterns.some((p) => hostMatches(p, name))),
  ];
}

/** A parsed known_hosts file: plain names looked up, hashed ones tried. */
interface KnownHostsIndex {
  mtimeMs: number;
  size: number;
  plain: Map<string, KnownHostEntry[]>;
  hashed: KnownHostEntry[];
}

/**
 * Parsed files, kept while their size and mtime stay the same: a minion
 * connecting to a thousand devices named in one file would otherwise
 * parse all of it a thousand times, at every start and reconnect.
 */
const indexes = new Map<string, KnownHostsIndex>();

async function knownHostsIndex(file: string): Promise<KnownHostsIndex> {
  const info = await stat(file).catch((err: unknown) => {
    throw unreadable(file, err);
  });
  const cached = indexes.get(file);
  if (cached?.mtimeMs === info.mtimeMs && cached.size === info.size) {
    return cached;
  }
  const index = {
    ...indexOf(parseKnownHosts(await readKnownHosts(file))),
    mtimeMs: info.mtimeMs,
    size: info.size,
  };
  indexes.set(file, index);
  return index;
}

function indexOf(
  entries: readonly KnownHostEntry[],
): Pick<KnownHostsIndex, "plain" | "hashed"> {
  const plain = new Map<string, KnownHostEntry[]>();
  const hashed: KnownHostEntry[] = [];
  for (const entry of entries) {
    if (entry.patterns.some((p) => p.startsWith("|1|"))) {
      hashed.push(entry);
    }
    for (const pattern of entry.patterns) {
      if (!pattern.startsWith("|1|")) {
        plain.set(pattern, [...(plain.get(pattern) ?? []), entry]);
      }
    }
  }
  return { plain, hashed };
}

async function readKnownHosts(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw unreadable(file, err);
  }
}

function unreadable(file: string, err: unknown): NcmError {
  return new NcmError(
    "input",
    "KNOWN_HOSTS_UNREADABLE",
    `cannot read known_hosts file ${JSON.stringify(file)}: ${(err as Error).message}`,
    { cause: err },
  );
}

export interface KnownHostEntry {
  patterns: string[];
  revoked: boolean;
  /** The raw public key blob, as the server sends it. */
  key: Buffer;
}

/** Entries with a key type we understand; other lines are skipped. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0].startsWith("#")) {
      continue;
    }
    const marker = fields[0].startsWith("@") ? fields.shift() : undefined;
    const [hosts, type, base64] = fields;
    if (marker === "@cert-authority" || hosts === undefined) {
      continue;
    }
    if (type === undefined || !KEY_TYPES.has(type) || base64 === undefined) {
      continue;
    }
    entries.push({
      patterns: hosts.split(","),
      revoked: marker === "@revoked",
      key: Buffer.from(base64, "base64"),
    });
  }
  return entries;
}

/**
 * Exact or hashed match. Wildcards and negations are not supported: pinning
 * one device needs neither.
 */
function hostMatches(pattern: string, name: string): boolean {
  if (!pattern.startsWith("|1|")) {
    return pattern === name;
  }
  const [salt, hash] = pattern.slice(3).split("|");
  if (salt === undefined || hash === undefined) {
    return false;
  }
  const expected = Buffer.from(hash, "base64");
  const actual = createHmac("sha1", Buffer.from(salt, "base64"))
    .update(name)
    .digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
