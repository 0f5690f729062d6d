import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startMetrics } from "../../cli/metrics-options.ts";
import { UsageError } from "../../core/errors.ts";
import { freePort } from "../../core/free-port.ts";
import { silentLogger } from "../../core/log.ts";
import { parsePrometheusText } from "../harness/prometheus-text.ts";

describe("--metrics-port", () => {
  const REFUSED: [
    string,
    { metricsPort?: string; metricsHost?: string },
    RegExp,
  ][] = [
    [
      "a port that is no number",
      { metricsPort: "http" },
      /invalid --metrics-port "http": expected a port number/,
    ],
    ["port 0", { metricsPort: "0" }, /invalid --metrics-port "0"/],
    ["port 65536", { metricsPort: "65536" }, /invalid --metrics-port "65536"/],
    [
      "an empty host",
      { metricsPort: "9464", metricsHost: " " },
      /invalid --metrics-host/,
    ],
    [
      "a host without a port",
      { metricsHost: "127.0.0.1" },
      /--metrics-host was given without --metrics-port/,
    ],
  ];
  for (const [name, flags, message] of REFUSED) {
    it(`metrics options - refuse ${name}`, async () => {
      await assert.rejects(
        startMetrics(flags, "m", silentLogger()),
        (err: unknown) => {
          assert.ok(err instanceof UsageError);
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }

  it("metrics options - no port serves nothing", async () => {
    const endpoint = await startMetrics({}, "m", silentLogger());
    assert.equal(endpoint.metrics, undefined);
    await endpoint.close();
  });

  it("metrics options - a port serves the minion's metrics, labelled with its name", async () => {
    const port = await freePort();
    const endpoint = await startMetrics(
      { metricsPort: String(port), metricsHost: "127.0.0.1" },
      "minion-a",
      silentLogger(),
    );
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      const families = parsePrometheusText(await res.text());
      const devices = families.get("ncm_devices");
      assert.equal(devices?.samples[0]?.labels.minion, "minion-a");
    } finally {
      await endpoint.close();
    }
  });
});
