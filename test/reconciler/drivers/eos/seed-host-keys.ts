import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import ssh2 from "ssh2";
import { hostKeyDir } from "../../../../clab/sim/host-keys.ts";

/**
 * Writes an ed25519 host key for each device into a simulator state dir
 * before it starts, keeping only keys ssh2 can parse back.
 *
 * FIXME: works around the simulator making about one key in 250 that
 * ssh2's own parser refuses ("Malformed OpenSSH private key"), which fails
 * SimHost.start for a suite of 65 devices about one run in four. Remove it
 * once clab/sim/host-keys.ts retries such keys itself.
 */
export async function seedHostKeys(
  stateDir: string,
  devices: readonly string[],
): Promise<void> {
  const dir = hostKeyDir(stateDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const device of devices) {
    await writeFile(join(dir, device), parseableKey(), { mode: 0o600 });
  }
}

function parseableKey(): string {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync("ed25519");
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error)) {
      return pair.private;
    }
  }
}
