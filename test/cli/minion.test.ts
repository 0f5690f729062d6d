import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { Kvm } from "@nats-io/kv";
import { Lab } from "../harness/lab.ts";
import { natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";
import { runNcm, spawnNcm } from "./run-ncm.ts";

const CONFIG = new URL(
  "../../examples/avd-lab/configs/leaf1.cfg",
  import.meta.url,
);

describe("ncm minion", { skip: natsServerMissing() ?? false }, () => {
  let lab: Lab;

  before(async () => {
    lab = await Lab.start([{ name: "leaf1" }]);
  });
  after(async () => {
    await lab.stop();
  });

  it("minion - SIGTERM in the middle of a config session leaves no pending session", async () => {
    const device = lab.sims.device("leaf1");
    const kv = await new Kvm(lab.nc).create("intended", { history: 64 });
    await kv.put("leaf1", await readFile(CONFIG, "utf8"));
    // Slow enough that the signal lands while lines are being loaded.
    device.setFaults({ latencyMs: 150 });
    const minion = spawnNcm([
      "minion",
      "--inventory",
      lab.inventoryFile,
      "--server",
      lab.server.url,
    ]);
    await waitUntil(
      "a config session opened",
      () => device.pendingSessions().length > 0,
      20_000,
    );
    const code = await minion.stop("SIGTERM");
    device.setFaults({});

    assert.equal(code, 0, minion.output().stderr);
    assert.deepEqual(device.pendingSessions(), []);
    assert.equal(
      device.counters.commits,
      0,
      "stopping aborts rather than commits",
    );
    assert.doesNotMatch(device.runningConfig(), /router bgp/);
  });

  it("minion - a usage error exits 2 with a one-line reason", async () => {
    const run = await runNcm([
      "minion",
      "--inventory",
      lab.inventoryFile,
      "--mode",
      "yolo",
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /yolo/);
  });

  it("minion - an unknown device in --devices exits 2 naming it", async () => {
    const run = await runNcm([
      "minion",
      "--inventory",
      lab.inventoryFile,
      "--server",
      lab.server.url,
      "--devices",
      "leaf1,nosuch",
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /"nosuch"/);
  });
});
