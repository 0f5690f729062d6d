import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { NcmError } from "../../../../core/errors.ts";
import { knownHostsVerifier } from "../../../../reconciler/drivers/eos/known-hosts.ts";

/** A real key pair from ssh-keygen: "type base64" and the raw blob. */
async function makeKey(dir: string, type: string, name: string) {
  const file = join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-f", file]);
  const line = (await readFile(`${file}.pub`, "utf8")).trim();
  const [keyType, base64] = line.split(" ");
  return { text: `${keyType} ${base64}`, blob: Buffer.from(base64!, "base64") };
}

describe("knownHostsVerifier", () => {
  let dir: string;
  let ed: { text: string; blob: Buffer };
  let ecdsa: { text: string; blob: Buffer };
  let rsa: { text: string; blob: Buffer };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-known-hosts-"));
    ed = await makeKey(dir, "ed25519", "ed");
    ecdsa = await makeKey(dir, "ecdsa", "ecdsa");
    rsa = await makeKey(dir, "rsa", "rsa");
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(lines: string[]): Promise<string> {
    const path = join(
      dir,
      `known_hosts_${Math.random().toString(36).slice(2)}`,
    );
    await writeFile(path, `${lines.join("\n")}\n`);
    return path;
  }

  it("known hosts - a [host]:port entry accepts its key and refuses others", async () => {
    const path = await file([
      "# comment",
      `[127.0.0.1]:2201 ${ed.text}`,
      `[127.0.0.1]:2202 ${rsa.text}`,
    ]);
    const verify = knownHostsVerifier(path, "127.0.0.1", 2201);
    assert.equal(await verify(ed.blob), true);
    assert.equal(await verify(rsa.blob), false);
  });

  it("known hosts - port 22 uses the bare host name, lists and key types", async () => {
    const path = await file([
      `spine1,10.0.0.11 ${ecdsa.text}`,
      `10.0.0.12 ${rsa.text}`,
    ]);
    assert.equal(
      await knownHostsVerifier(path, "10.0.0.11", 22)(ecdsa.blob),
      true,
    );
    assert.equal(
      await knownHostsVerifier(path, "10.0.0.12", 22)(rsa.blob),
      true,
    );
    assert.equal(
      await knownHostsVerifier(path, "10.0.0.11", 2222)(ecdsa.blob),
      false,
    );
  });

  it("known hosts - an edit of the file applies at the next check", async () => {
    const path = await file([`[127.0.0.1]:2201 ${ed.text}`]);
    const verify = knownHostsVerifier(path, "127.0.0.1", 2201);
    assert.equal(await verify(ed.blob), true);
    // Same length, so only the changed mtime tells the edit apart.
    await writeFile(path, `[127.0.0.1]:2209 ${ed.text}\n`);
    assert.equal(await verify(ed.blob), false);
    await writeFile(path, `[127.0.0.1]:2201 ${rsa.text}\n`);
    assert.equal(await verify(rsa.blob), true);
    assert.equal(await verify(ed.blob), false);
  });

  it("known hosts - an unknown host is refused", async () => {
    const path = await file([`[127.0.0.1]:2201 ${ed.text}`]);
    assert.equal(
      await knownHostsVerifier(path, "127.0.0.2", 2201)(ed.blob),
      false,
    );
  });

  it("known hosts - hashed entries written by ssh-keygen -H match", async () => {
    const path = await file([`[127.0.0.1]:2299 ${ed.text}`]);
    execFileSync("ssh-keygen", ["-q", "-H", "-f", path], { stdio: "ignore" });
    assert.match(await readFile(path, "utf8"), /^\|1\|/);
    const verify = knownHostsVerifier(path, "127.0.0.1", 2299);
    assert.equal(await verify(ed.blob), true);
    assert.equal(await verify(ecdsa.blob), false);
  });

  it("known hosts - a @revoked key is refused even when also listed", async () => {
    const path = await file([
      `[h]:2201 ${ed.text}`,
      `@revoked [h]:2201 ${ed.text}`,
      `@cert-authority [h]:2201 ${rsa.text}`,
    ]);
    const verify = knownHostsVerifier(path, "h", 2201);
    assert.equal(await verify(ed.blob), false);
    assert.equal(await verify(rsa.blob), false);
  });

  it("known hosts - a missing file is an input error naming it", async () => {
    const missing = join(dir, "nope");
    await assert.rejects(
      async () => knownHostsVerifier(missing, "h", 22)(ed.blob),
      (err: unknown) =>
        err instanceof NcmError &&
        err.category === "input" &&
        err.message.includes(missing),
    );
  });
});
