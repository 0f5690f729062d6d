import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  BENCH_DEFAULTS,
  type BenchOptions,
} from "../../bench/bench-options.ts";
import type { BenchResults } from "../../bench/bench-results.ts";
import { reportSvg } from "../../bench/report-svg.ts";
import { reportTable } from "../../bench/report-table.ts";
import { runBench, saveResults, summaryLine } from "../../bench/run-bench.ts";
import { natsServerMissing } from "../harness/nats-server.ts";

const skip = natsServerMissing() ?? false;

/**
 * The benchmark's smallest run end to end, so the harness cannot rot: real
 * nats-server, `ncm sim`, `ncm watch` and `ncm minion` processes, one
 * device, and a baseline of one minion process.
 */
describe("run-bench", { skip, timeout: 60_000 }, () => {
  let out: string;
  let options: BenchOptions;
  let results: BenchResults;

  before(async () => {
    out = await mkdtemp(join(tmpdir(), "ncm-bench-test-"));
    options = {
      ...BENCH_DEFAULTS,
      devices: [1],
      baseline: [1],
      propagationSamples: 2,
      changedAtOnce: 1,
      sweeps: 1,
      burstWrites: 5,
      idleSeconds: 1,
      out,
    };
    results = await runBench(options, () => undefined);
  });

  after(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it("run-bench - one device: every scenario measured", () => {
    const [fleet] = results.fleets;
    assert.equal(results.fleets.length, 1);
    assert.equal(fleet?.devices, 1);
    assert.deepEqual(
      [fleet?.sweep.inSync, fleet?.sweep.failed],
      [1, 0],
      "the in-sync sweep found the device in sync",
    );
    assert.deepEqual(
      [fleet?.driftSweep.drifted, fleet?.driftSweep.applied],
      [1, 1],
      "the drift made over SSH was found and corrected",
    );
    assert.equal(fleet?.propagationOne.samples, 2);
    assert.ok((fleet?.propagationOne.p50Ms ?? 0) > 0);
    assert.equal(fleet?.propagationMany, null, "one device: none at once");
    assert.ok((fleet?.burst.commits ?? 0) >= 1);
    assert.ok((fleet?.burst.commits ?? 99) <= 5);
    assert.ok((fleet?.memory.rssKb ?? 0) > 10_000, "RSS read from /proc");
    assert.ok(
      (fleet?.memory.peakRssKb ?? 0) >= (fleet?.memory.busyRssKb ?? 1),
      "the peak is at least the busy reading",
    );
  });

  it("run-bench - the baseline is one minion process per device", () => {
    assert.equal(results.baseline.length, 1);
    assert.equal(results.baseline[0]?.processes, 1);
    assert.ok((results.baseline[0]?.rssPerDeviceKb ?? 0) > 10_000);
    assert.ok((results.memoryRatio ?? 0) >= 1);
  });

  it("run-bench - a run of one device meets no per-thousand target", () => {
    const names = results.targets.map((t) => t.name);
    assert.equal(names.length, 5);
    const perThousand = results.targets.filter(
      (t) => t.name !== "propagation p99",
    );
    assert.ok(perThousand.every((t) => !t.met));
  });

  it("run-bench - writes JSON and SVG, prints a table and a summary line", async () => {
    const written = await saveResults(results, reportSvg(results), options);
    assert.deepEqual(written, [
      join(out, "latest.json"),
      join(out, "latest.svg"),
    ]);
    const saved = JSON.parse(await readFile(written[0]!, "utf8"));
    assert.equal(saved.fleets[0].devices, 1);
    assert.match(await readFile(written[1]!, "utf8"), /^<svg[^>]*>/);
    assert.match(reportTable(results), /in-sync sweep: duration \(s\)/);
    const summary = JSON.parse(summaryLine(results));
    assert.equal(summary.devices, 1);
    assert.equal(summary.targets, 5);
  });
});
