import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { NcmError } from "../../core/errors.ts";
import { freePort } from "../../core/free-port.ts";
import { connectNats } from "../../core/nats/connect.ts";
import {
  type MetricsServer,
  serveMetrics,
} from "../../metrics/metrics-server.ts";
import { MinionMetrics } from "../../metrics/minion-metrics.ts";
import type {
  DeviceState,
  DeviceStatus,
  NcmEvent,
  ReconcileOutcome,
} from "../../reconciler/types.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";
import {
  type Family,
  parsePrometheusText,
  sampleValue,
} from "../harness/prometheus-text.ts";

function status(device: string, state: DeviceState): DeviceStatus {
  return { device, state } as DeviceStatus;
}

function outcome(
  result: ReconcileOutcome["result"],
  code?: string,
): ReconcileOutcome {
  const error =
    code === undefined
      ? undefined
      : {
          name: "NcmError",
          code,
          category: "internal" as const,
          retryable: true,
          message: "m",
        };
  return { device: "d", result, intendedRevision: 1, durationMs: 5, error };
}

const applied = (durationMs: number): NcmEvent => ({
  kind: "applied",
  device: "d",
  at: "",
  owner: "m",
  intendedRevision: 1,
  diff: "",
  session: "s",
  durationMs,
});

async function scrape(url: string): Promise<Map<string, Family>> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
  return parsePrometheusText(await res.text());
}

describe("minion metrics", () => {
  let metrics: MinionMetrics;
  let server: MetricsServer;
  const queue = { size: 3, pending: 2 };

  before(async () => {
    metrics = new MinionMetrics({ minion: "m1" });
    metrics.bind({
      statuses: () => [
        status("a", "in-sync"),
        status("b", "in-sync"),
        status("c", "unreachable"),
      ],
      queue,
    });
    server = await serveMetrics(metrics, {
      port: await freePort(),
      host: "127.0.0.1",
    });
  });
  after(async () => {
    await server?.close();
    metrics?.stop();
  });

  it("metrics - /metrics serves every family, valid exposition text", async () => {
    metrics.passFinished(outcome("applied"));
    metrics.passFinished(outcome("in-sync"));
    metrics.passFinished(outcome("in-sync"));
    metrics.passFinished(outcome("failed", "SKIPPED"));
    metrics.passFinished(outcome("failed", "EOS_UNREACHABLE"));
    metrics.eventPublished({
      ...applied(1500),
      kind: "drift-detected",
      outOfBand: true,
    } as NcmEvent);
    // A revision observe mode keeps off the device is reported, not counted.
    metrics.eventPublished({
      ...applied(1500),
      kind: "drift-detected",
      outOfBand: false,
    } as NcmEvent);
    metrics.eventPublished(applied(1500));
    metrics.sshConnection(1);
    metrics.sshConnection(1);
    metrics.sshConnection(-1);

    const families = await scrape(server.url);

    const types: [string, string][] = [
      ["ncm_reconciles_total", "counter"],
      ["ncm_drift_detected_total", "counter"],
      ["ncm_apply_duration_seconds", "histogram"],
      ["ncm_devices", "gauge"],
      ["ncm_queue_depth", "gauge"],
      ["ncm_ssh_connections", "gauge"],
      ["ncm_nats_reconnects_total", "counter"],
      ["process_cpu_seconds_total", "counter"],
      ["process_resident_memory_bytes", "gauge"],
      ["nodejs_eventloop_lag_seconds", "gauge"],
    ];
    for (const [name, type] of types) {
      assert.equal(families.get(name)?.type, type, `family ${name}`);
    }
    const m = { minion: "m1" };
    const value = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(families, name, { ...m, ...labels });
    assert.equal(value("ncm_reconciles_total", { outcome: "in-sync" }), 2);
    assert.equal(value("ncm_reconciles_total", { outcome: "applied" }), 1);
    assert.equal(value("ncm_reconciles_total", { outcome: "failed" }), 1);
    assert.equal(value("ncm_reconciles_total", { outcome: "skipped" }), 1);
    assert.equal(value("ncm_reconciles_total", { outcome: "drifted" }), 0);
    assert.equal(value("ncm_drift_detected_total"), 1);
    assert.equal(value("ncm_apply_duration_seconds_count"), 1);
    assert.equal(value("ncm_apply_duration_seconds_sum"), 1.5);
    assert.equal(value("ncm_apply_duration_seconds_bucket", { le: "1" }), 0);
    assert.equal(value("ncm_apply_duration_seconds_bucket", { le: "2" }), 1);
    assert.equal(value("ncm_devices", { state: "in-sync" }), 2);
    assert.equal(value("ncm_devices", { state: "unreachable" }), 1);
    assert.equal(value("ncm_devices", { state: "failed" }), 0);
    assert.equal(value("ncm_queue_depth"), 3);
    assert.equal(value("ncm_queue_running"), 2);
    assert.equal(value("ncm_ssh_connections"), 1);
    assert.equal(value("ncm_nats_reconnects_total"), 0);
  });

  it("metrics - gauges are read at scrape time", async () => {
    queue.size = 0;
    const families = await scrape(server.url);
    assert.equal(sampleValue(families, "ncm_queue_depth", { minion: "m1" }), 0);
  });

  const OTHER: [string, string, number][] = [
    ["GET", "/nope", 404],
    ["POST", "/metrics", 405],
    ["GET", "/", 200],
  ];
  for (const [method, path, code] of OTHER) {
    it(`metrics - ${method} ${path} answers ${code}`, async () => {
      const res = await fetch(new URL(path, server.url), { method });
      assert.equal(res.status, code);
      await res.text();
    });
  }

  it("metrics - a port in use is METRICS_LISTEN naming the address", async () => {
    await assert.rejects(
      serveMetrics(metrics, { port: server.port, host: "127.0.0.1" }),
      (err: unknown) => {
        assert.ok(err instanceof NcmError);
        assert.equal(err.code, "METRICS_LISTEN");
        assert.match(
          err.message,
          new RegExp(`127\\.0\\.0\\.1:${server.port}: EADDRINUSE`),
        );
        return true;
      },
    );
  });

  it("metrics - two minions in one process keep separate registries", async () => {
    const other = new MinionMetrics({ processMetrics: false });
    other.passFinished(outcome("drifted"));
    const families = parsePrometheusText(await other.text());
    assert.equal(
      sampleValue(families, "ncm_reconciles_total", { outcome: "drifted" }),
      1,
    );
    assert.equal(families.has("process_cpu_seconds_total"), false);
    const mine = parsePrometheusText(await metrics.text());
    assert.equal(
      sampleValue(mine, "ncm_reconciles_total", {
        minion: "m1",
        outcome: "drifted",
      }),
      0,
    );
  });
});

describe("minion metrics and NATS", {
  skip: natsServerMissing() ?? false,
}, () => {
  it("metrics - a NATS server restart counts one reconnect", async () => {
    const nats = await NatsServer.start();
    const nc = await connectNats({ servers: [nats.url] });
    const metrics = new MinionMetrics({ processMetrics: false });
    try {
      metrics.watchNats(nc);
      const reconnected = (async () => {
        for await (const s of nc.status()) {
          if (s.type === "reconnect") return;
        }
      })();

      await nats.restart();
      await reconnected;

      const families = parsePrometheusText(await metrics.text());
      assert.equal(sampleValue(families, "ncm_nats_reconnects_total"), 1);
    } finally {
      metrics.stop();
      await nc.close();
      await nats.stop();
    }
  });
});

describe("prometheus text parser (test harness)", () => {
  const BAD: [string, string][] = [
    ["no final newline", "# TYPE a counter\na 1"],
    ["a sample before its TYPE block", "a 1\n# TYPE a counter\n"],
    ["a bad value", "# TYPE a gauge\na one\n"],
    ["a bad label", '# TYPE a gauge\na{1x="v"} 1\n'],
    ["a duplicate series", '# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n'],
    [
      "non-cumulative buckets",
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
    ],
    [
      "+Inf not equal to count",
      '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 2\n',
    ],
  ];
  for (const [name, text] of BAD) {
    it(`parser - refuses ${name}`, () => {
      assert.throws(() => parsePrometheusText(text));
    });
  }

  it("parser - reads labels with escapes and special values", () => {
    const families = parsePrometheusText(
      '# HELP a A gauge\n# TYPE a gauge\na{x="q\\"uo\\\\te"} NaN\na{x="y"} +Inf\n',
    );
    assert.equal(families.get("a")?.help, "A gauge");
    assert.ok(Number.isNaN(sampleValue(families, "a", { x: 'q"uo\\te' })));
    assert.equal(
      sampleValue(families, "a", { x: "y" }),
      Number.POSITIVE_INFINITY,
    );
  });
});
