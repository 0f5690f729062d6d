import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import ssh2 from "ssh2";
import {
  ensureHostKeyDir,
  hostKeyDir,
  knownHostsLine,
  loadHostKey,
} from "../../../clab/sim/host-keys.ts";

describe("host-keys", () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-host-keys-"));
    await ensureHostKeyDir(dir);
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("host-keys - a key is made once, saved private, and read back", async () => {
    const first = await loadHostKey(dir, "a");
    const again = await loadHostKey(dir, "a");
    assert.equal(again.publicKey, first.publicKey);
    assert.match(first.publicKey, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA/);
    const info = await stat(join(hostKeyDir(dir), "a"));
    assert.equal(info.mode & 0o077, 0);
  });

  it("host-keys - every new key parses, although ssh2 makes bad ones", async () => {
    // ssh2 1.17 spoils about one key in 256; 600 keys would almost surely
    // hit one without the check.
    const names = Array.from({ length: 600 }, (_, i) => `bulk${i}`);
    await Promise.all(names.map((name) => loadHostKey(dir, name)));
    for (const name of names) {
      const text = await readFile(join(hostKeyDir(dir), name), "utf8");
      assert.ok(!(ssh2.utils.parseKey(text) instanceof Error), name);
    }
  });

  it("host-keys - an unusable saved key is replaced", async () => {
    const file = join(hostKeyDir(dir), "broken");
    await writeFile(file, "not a key\n");
    const key = await loadHostKey(dir, "broken");
    assert.match(key.publicKey, /^ssh-ed25519 /);
    assert.notEqual(await readFile(file, "utf8"), "not a key\n");
  });

  it("host-keys - known_hosts lines use [host]:port except for port 22", () => {
    assert.equal(
      knownHostsLine("10.0.0.1", 22, "ssh-ed25519 AAAA"),
      "10.0.0.1 ssh-ed25519 AAAA",
    );
    assert.equal(
      knownHostsLine("127.0.0.1", 2201, "ssh-ed25519 AAAA"),
      "[127.0.0.1]:2201 ssh-ed25519 AAAA",
    );
  });
});
