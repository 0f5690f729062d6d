import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../core/free-port.ts";
import { Lab } from "../harness/lab.ts";
import { natsServerMissing } from "../harness/nats-server.ts";
import {
  parsePrometheusText,
  sampleValue,
} from "../harness/prometheus-text.ts";
import { runNcm, spawnNcm } from "./run-ncm.ts";

describe("ncm minion --metrics-port", {
  skip: natsServerMissing() ?? false,
}, () => {
  let lab: Lab;

  before(async () => {
    lab = await Lab.start([{ name: "leaf1" }]);
  });
  after(async () => {
    await lab?.stop();
  });

  it("minion - serves /metrics, logs each sweep, and closes the port on SIGTERM", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const minion = spawnNcm([
      "minion",
      "--inventory",
      lab.inventoryFile,
      "--server",
      lab.server.url,
      "--name",
      "cli-minion",
      "--interval",
      "* * * * * *",
      "--metrics-port",
      String(port),
      "--metrics-host",
      "127.0.0.1",
    ]);
    try {
      await minion.waitFor(/"event":"metrics-serving"/);
      await minion.waitFor(/"event":"sweep-finished"[^\n]*"unmanaged":1/);

      const families = parsePrometheusText(await (await fetch(url)).text());

      assert.equal(
        sampleValue(families, "ncm_devices", {
          minion: "cli-minion",
          state: "unknown",
        }),
        1,
      );
      assert.ok(
        (sampleValue(families, "ncm_reconciles_total", {
          minion: "cli-minion",
          outcome: "unmanaged",
        }) ?? 0) >= 1,
      );
    } finally {
      assert.equal(await minion.stop("SIGTERM"), 0, minion.output().stderr);
    }
    await assert.rejects(fetch(url));
  });

  it("minion - a bad --metrics-port is a usage error naming it", async () => {
    const run = await runNcm([
      "minion",
      "--inventory",
      lab.inventoryFile,
      "--server",
      lab.server.url,
      "--metrics-port",
      "nine",
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /invalid --metrics-port "nine"/);
  });
});
