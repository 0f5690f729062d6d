import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { natsServerMissing } from "../harness/nats-server.ts";
import { spawnNcm } from "./run-ncm.ts";

describe("ncm demo", { skip: natsServerMissing() ?? false }, () => {
  it("demo - brings spine1, leaf1 and leaf2 in sync and stops cleanly on Ctrl-C", async () => {
    const demo = spawnNcm(["demo"]);
    try {
      await demo.waitFor(/Press Ctrl-C/);
      for (const device of ["spine1", "leaf1", "leaf2"]) {
        await demo.waitFor(new RegExp(`^${device}: in-sync$`, "m"), 60_000);
      }
    } finally {
      const started = Date.now();
      const code = await demo.stop("SIGINT");
      assert.equal(code, 0, demo.output().stderr);
      assert.ok(Date.now() - started < 10_000, "the demo stops within seconds");
    }
  });
});
