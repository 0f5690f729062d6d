import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { Kvm } from "@nats-io/kv";
import { pino } from "pino";
import { freePort } from "../../core/free-port.ts";
import {
  type MetricsServer,
  serveMetrics,
} from "../../metrics/metrics-server.ts";
import { MinionMetrics } from "../../metrics/minion-metrics.ts";
import { Minion } from "../../reconciler/minion.ts";
import { Lab } from "../harness/lab.ts";
import { natsServerMissing } from "../harness/nats-server.ts";
import {
  type Family,
  parsePrometheusText,
  sampleValue,
} from "../harness/prometheus-text.ts";
import { waitUntil } from "../harness/wait.ts";

const LEAF1 = new URL(
  "../../examples/avd-lab/configs/leaf1.cfg",
  import.meta.url,
);

/** Every second, so a sweep comes round while the test waits. */
const FAST = "* * * * * *";

describe("minion metrics", { skip: natsServerMissing() ?? false }, () => {
  let lab: Lab;
  let metrics: MinionMetrics;
  let server: MetricsServer;
  let minion: Minion | undefined;
  const logLines: Record<string, unknown>[] = [];

  before(async () => {
    lab = await Lab.start([{ name: "leaf1" }]);
    metrics = new MinionMetrics({ minion: "metrics-minion" });
    server = await serveMetrics(metrics, {
      port: await freePort(),
      host: "127.0.0.1",
    });
    const log = pino(
      { level: "info" },
      { write: (line: string) => logLines.push(JSON.parse(line)) },
    );
    minion = await Minion.start({
      nc: lab.nc,
      inventory: lab.inventory,
      name: "metrics-minion",
      interval: FAST,
      log,
      metrics,
    });
  });
  after(async () => {
    await minion?.stop();
    await server?.close();
    await lab?.stop();
  });

  const scrape = async (): Promise<Map<string, Family>> => {
    const res = await fetch(server.url);
    assert.equal(res.status, 200);
    return parsePrometheusText(await res.text());
  };
  const value = (
    families: Map<string, Family>,
    name: string,
    labels: Record<string, string> = {},
  ) => sampleValue(families, name, { minion: "metrics-minion", ...labels });

  it("metrics - /metrics tells what the minion did to a drifted device", async () => {
    const kv = await new Kvm(lab.nc).open("intended");
    const revision = await kv.put("leaf1", await readFile(LEAF1, "utf8"));
    await waitUntil("leaf1 in sync", () => {
      const s = minion?.status("leaf1");
      return s?.state === "in-sync" && s.appliedRevision === revision;
    });
    // Drift made by hand, which the next sweep finds and corrects.
    const device = lab.sims.device("leaf1");
    device.configure("interface Ethernet1\n   description METRICS_DRIFT");
    await waitUntil(
      "drift corrected",
      () =>
        !device.runningConfig().includes("METRICS_DRIFT") &&
        minion?.status("leaf1")?.state === "in-sync",
    );

    const families = await scrape();

    assert.ok(
      (value(families, "ncm_reconciles_total", { outcome: "applied" }) ?? 0) >=
        1,
    );
    assert.ok((value(families, "ncm_drift_detected_total") ?? 0) >= 1);
    assert.ok((value(families, "ncm_apply_duration_seconds_count") ?? 0) >= 1);
    assert.ok((value(families, "ncm_apply_duration_seconds_sum") ?? 0) > 0);
    assert.equal(value(families, "ncm_devices", { state: "in-sync" }), 1);
    assert.equal(value(families, "ncm_devices", { state: "failed" }), 0);
    assert.equal(value(families, "ncm_ssh_connections"), 1);
    assert.equal(value(families, "ncm_queue_depth"), 0);
    assert.equal(value(families, "ncm_nats_reconnects_total"), 0);
    assert.equal(families.get("process_cpu_seconds_total")?.type, "counter");
  });

  it("metrics - each sweep logs one sweep-finished line with its counts", async () => {
    const sweep = await waitUntil("a sweep-finished line", () =>
      logLines.find((l) => l.event === "sweep-finished" && l.inSync === 1),
    );
    assert.equal(sweep.checked, 1);
    assert.equal(sweep.drifted, 0);
    assert.equal(sweep.failed, 0);
    assert.equal(typeof sweep.durationMs, "number");
    const families = await scrape();
    assert.ok(
      (value(families, "ncm_reconciles_total", { outcome: "in-sync" }) ?? 0) >=
        1,
    );
  });

  it("metrics - a stopped minion leaves no SSH connection counted", async () => {
    await minion?.stop();
    minion = undefined;

    const families = await scrape();

    assert.equal(value(families, "ncm_ssh_connections"), 0);
  });
});
