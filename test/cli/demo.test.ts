import assert from "node:assert/strict";
import { access, readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { natsServerMissing } from "../harness/nats-server.ts";
import { spawnNcm } from "./run-ncm.ts";

/** The pids a process started, from procfs (Linux). */
async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8");
  return text
    .split(" ")
    .filter((word) => word.trim() !== "")
    .map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("ncm demo", { skip: natsServerMissing() ?? false }, () => {
  it("demo - brings spine1, leaf1 and leaf2 in sync and stops cleanly on Ctrl-C", async () => {
    // A terminal's Ctrl-C signals the whole foreground process group, the
    // demo's nats-server included: the test does the same.
    const demo = spawnNcm(["demo"], {}, { processGroup: true });
    let children: number[] = [];
    let dir: string | undefined;
    try {
      await demo.waitFor(/Press Ctrl-C/);
      // The nats CLI reads the value from stdin when none is given, byte
      // for byte; "$(cat file)" would strip the config's final newline.
      assert.match(
        demo.output().stdout,
        /^ {2}Write the bucket {2}nats kv put intended leaf1 < \/\S+\/leaf1\.cfg$/m,
      );
      for (const device of ["spine1", "leaf1", "leaf2"]) {
        await demo.waitFor(new RegExp(`^${device}: in-sync$`, "m"), 60_000);
      }
      children = await childrenOf(demo.pid);
      dir = /^ {2}configs +(\S+)\/configs$/m.exec(demo.output().stdout)?.[1];
      assert.ok(dir !== undefined, "the demo names its configs folder");
      await access(dir);
      assert.ok(children.length > 0, "the demo runs its own nats-server");
    } finally {
      const started = Date.now();
      const code = await demo.stop("SIGINT");
      assert.equal(code, 0, demo.output().stderr);
      assert.ok(Date.now() - started < 10_000, "the demo stops within seconds");
    }
    assert.deepEqual(children.filter(alive), [], "no child outlives the demo");
    await assert.rejects(access(dir as string), "the demo's folder is removed");
  });
});
