import assert from "node:assert/strict";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { VERSION } from "../../core/version.ts";
import { runNcm } from "./run-ncm.ts";

const MAIN = fileURLToPath(new URL("../../cli/main.ts", import.meta.url));

describe("ncm entry point", () => {
  let dir: string;

  before(async () => {
    // A folder name with a space and a non-ASCII letter: a file URL spells
    // both escaped, so comparing against a hand-built URL misses them.
    dir = await mkdtemp(join(tmpdir(), "ncm entry ü-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const links = [
    { what: "a symlink not named ncm", name: "network-tool" },
    { what: "a symlink with a space in its name", name: "my ncm" },
  ];
  for (const link of links) {
    it(`main - runs when started through ${link.what} in a folder with a space`, async () => {
      const script = join(dir, link.name);
      await symlink(MAIN, script);
      const run = await runNcm(["--version"], { script });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `${VERSION}\n`);
    });
  }

  it("main - does not run when another program imports it", async () => {
    const script = join(dir, "importer.mts");
    const main = JSON.stringify(pathToFileURL(MAIN).href);
    await writeFile(
      script,
      `await import(${main});\nconsole.log("imported");\n`,
    );
    const run = await runNcm([], { script });
    assert.deepEqual(run, { code: 0, stdout: "imported\n", stderr: "" });
  });
});
