/**
 * SSH host keys of simulated devices: one ed25519 key per device, made
 * once and kept under the state directory so that clients can pin it
 * across restarts, plus a known_hosts file in OpenSSH format naming every
 * device of the running simulator.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import ssh2, { type ParsedKey } from "ssh2";
import { NcmError } from "../../core/errors.ts";

export interface HostKey {
  /** Parsed once here; ssh2 takes it as is, so no per-connection parse. */
  readonly privateKey: ParsedKey;
  /** `ssh-ed25519 AAAA…`, the form known_hosts and clients use. */
  readonly publicKey: string;
}

export function hostKeyDir(stateDir: string): string {
  return join(stateDir, "hostkeys");
}

/** Reads the device's host key, making and saving it on first use. */
export async function loadHostKey(
  stateDir: string,
  device: string,
): Promise<HostKey> {
  const file = join(hostKeyDir(stateDir), device);
  const text = await readFile(file, "utf8").catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      return undefined;
    }
    throw err;
  });
  const existing = text === undefined ? undefined : parseHostKey(text);
  if (existing !== undefined) {
    return existing;
  }
  // Missing, or unusable: a simulator that took ssh2's keys unchecked may
  // have saved a malformed one (see generateHostKey). Nothing can connect
  // with such a key, so a new one loses nothing.
  return createHostKey(file, text === undefined);
}

async function createHostKey(file: string, fresh: boolean): Promise<HostKey> {
  const { text, key } = generateHostKey();
  try {
    await writeFile(file, text, { mode: 0o600, flag: fresh ? "wx" : "w" });
    return key;
  } catch (err) {
    // Another simulator sharing the state directory wrote it first: use
    // theirs so both agree on the key.
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
      throw err;
    }
    const theirs = parseHostKey(await readFile(file, "utf8"));
    if (theirs === undefined) {
      throw new NcmError("input", "SIM_BAD_HOST_KEY", `cannot read ${file}`, {
        details: { file },
      });
    }
    return theirs;
  }
}

/**
 * A new ed25519 key that ssh2 can use. ssh2 1.17's generator strips every
 * leading zero byte from the public key, so about one key in 256 comes
 * out malformed; such keys are thrown away and another one is made.
 */
function generateHostKey(): { text: string; key: HostKey } {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync("ed25519");
    const key = parseHostKey(pair.private);
    if (key !== undefined) {
      return { text: pair.private, key };
    }
  }
}

/** Length of an ssh-ed25519 public key blob: two length-prefixed fields. */
const ED25519_BLOB_BYTES = 4 + "ssh-ed25519".length + 4 + 32;

/** The key in `text`, or undefined when it is not a usable ed25519 key. */
function parseHostKey(text: string): HostKey | undefined {
  const parsed = ssh2.utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || key instanceof Error) {
    return undefined;
  }
  // The length is what ssh2's bug spoils; a signing round trip would
  // check more but costs 2 ms a key, 2 s for a thousand devices.
  const blob = key.getPublicSSH();
  const usable =
    key.type === "ssh-ed25519" && blob.length === ED25519_BLOB_BYTES;
  return usable
    ? { privateKey: key, publicKey: `${key.type} ${blob.toString("base64")}` }
    : undefined;
}

export async function ensureHostKeyDir(stateDir: string): Promise<void> {
  await mkdir(hostKeyDir(stateDir), { recursive: true, mode: 0o700 });
}

/** One known_hosts line; OpenSSH writes `[host]:port` for ports not 22. */
export function knownHostsLine(
  host: string,
  port: number,
  publicKey: string,
): string {
  const name = port === 22 ? host : `[${host}]:${port}`;
  return `${name} ${publicKey}`;
}

/** Rewrites the known_hosts file with the given entries. */
export async function writeKnownHosts(
  file: string,
  entries: ReadonlyArray<{ host: string; port: number; publicKey: string }>,
): Promise<void> {
  const lines = entries.map((entry) =>
    knownHostsLine(entry.host, entry.port, entry.publicKey),
  );
  await writeFile(file, lines.map((line) => `${line}\n`).join(""));
}
