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
  const text = await readFile(file, "utf8").catch(async (err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw err;
    }
    return createHostKey(file);
  });
  return parseHostKey(text, file);
}

async function createHostKey(file: string): Promise<string> {
  const pair = ssh2.utils.generateKeyPairSync("ed25519");
  try {
    await writeFile(file, pair.private, { mode: 0o600, flag: "wx" });
    return pair.private;
  } catch (err) {
    // Another simulator sharing the state directory wrote it first: use
    // theirs so both agree on the key.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") {
      return readFile(file, "utf8");
    }
    throw err;
  }
}

function parseHostKey(text: string, file: string): HostKey {
  const parsed = ssh2.utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || key instanceof Error) {
    throw new NcmError("input", "SIM_BAD_HOST_KEY", `cannot read ${file}`, {
      cause: key,
      details: { file },
    });
  }
  const publicKey = `${key.type} ${key.getPublicSSH().toString("base64")}`;
  return { privateKey: key, publicKey };
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
