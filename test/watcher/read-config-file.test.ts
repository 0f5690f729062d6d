import assert from "node:assert/strict";
import {
  mkdir,
  mkdtemp,
  realpath,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readConfigFile } from "../../watcher/read-config-file.ts";

const MAX = 1000;

describe("read config file", () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), "ncm-read-")));
    dir = join(root, "configs");
    await mkdir(join(dir, "sub"), { recursive: true });
    await mkdir(join(dir, "folder.cfg"));
    await writeFile(join(root, "outside.cfg"), "hostname outside\n");
    await writeFile(join(dir, "sub", "inner.cfg"), "hostname inner\n");
    await symlink(join(root, "outside.cfg"), join(dir, "out.cfg"));
    await symlink(join(dir, "sub", "inner.cfg"), join(dir, "in.cfg"));
    await symlink(join(dir, "gone"), join(dir, "dangling.cfg"));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("read - a config file gives its text and size", async () => {
    await writeFile(join(dir, "ok.cfg"), "hostname ok\n");
    assert.deepEqual(await readConfigFile(dir, "ok.cfg", MAX), {
      status: "ok",
      text: "hostname ok\n",
      bytes: 12,
    });
  });

  it("read - an absent file is missing", async () => {
    assert.deepEqual(await readConfigFile(dir, "absent.cfg", MAX), {
      status: "missing",
    });
  });

  it("read - a symlink to a file inside the folder is read", async () => {
    const read = await readConfigFile(dir, "in.cfg", MAX);
    assert.equal(read.status, "ok");
  });

  const REFUSED: [string, string | Buffer | null, RegExp][] = [
    ["empty.cfg", "", /^empty$/],
    ["blank.cfg", "  \n\t\r\n", /blank/],
    ["latin1.cfg", Buffer.from([0x68, 0xe9, 0x0a]), /not UTF-8/],
    ["nul.cfg", "hostname a\0b\n", /NUL/],
    ["big.cfg", "x".repeat(MAX + 1), /1001 bytes, larger than the 1000/],
    ["out.cfg", null, /symlink pointing outside/],
    ["dangling.cfg", null, /symlink to a file that does not exist/],
    ["folder.cfg", null, /not a regular file/],
  ];
  for (const [name, content, reason] of REFUSED) {
    it(`read - ${name} is refused with a reason`, async () => {
      if (content !== null) {
        await writeFile(join(dir, name), content);
      }
      const read = await readConfigFile(dir, name, MAX);
      assert.equal(read.status, "refused");
      assert.match(read.status === "refused" ? read.reason : "", reason);
    });
  }
});
