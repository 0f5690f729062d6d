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
import { reportMarkdown } from "../../bench/report-markdown.ts";
import { reportSvg } from "../../bench/report-svg.ts";
import { reportTable } from "../../bench/report-table.ts";
import { runBench, saveResults, summaryLine } from "../../bench/run-bench.ts";
import { natsServerMissing } from "../harness/nats-server.ts";

const skip = natsServerMissing() ?? false;

/**
 * The benchmark's smallest run end to end, so the harness cannot rot: real
 * nats-server, `ncm sim`, `ncm watch` and `ncm minion` processes, two
 * devices (so two can change at once), and a baseline of two minion
 * processes.
 */
describe("run-bench", { skip, timeout: 60_000 }, () => {
  let out: string;
  let options: BenchOptions;
  let results: BenchResults;

  before(async () => {
    out = await mkdtemp(join(tmpdir(), "ncm-bench-test-"));
    options = {
      ...BENCH_DEFAULTS,
      devices: [2],
      baseline: [2],
      propagationSamples: 2,
      changedAtOnce: 2,
      atOnceRounds: 1,
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

  it("run-bench - two devices: every scenario measured", () => {
    const [fleet] = results.fleets;
    assert.equal(results.fleets.length, 1);
    assert.equal(fleet?.devices, 2);
    assert.deepEqual(
      [fleet?.sweep.inSync, fleet?.sweep.failed],
      [2, 0],
      "the in-sync sweep found the devices in sync",
    );
    assert.ok(
      (fleet?.driftSweep.drifted ?? 0) >= 1 &&
        fleet?.driftSweep.applied === fleet?.driftSweep.drifted,
      "the drift made over SSH was found and corrected",
    );
    assert.equal(fleet?.propagationOne.samples, 2);
    assert.ok((fleet?.propagationOne.p50Ms ?? 0) > 0);
    const many = fleet?.propagationMany;
    assert.equal(many?.atOnce, 2, "two changed at once");
    assert.equal(many?.samples, 2);
    assert.ok((many?.cpuMsPerChange.minion ?? 0) > 0, "minion CPU counted");
    assert.ok((many?.cpuMsPerChange.simulator ?? 0) > 0, "sim CPU counted");
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
    assert.equal(results.baseline[0]?.processes, 2);
    assert.ok((results.baseline[0]?.rssPerDeviceKb ?? 0) > 10_000);
    assert.ok(
      (results.baseline[0]?.totalRssKb ?? 0) >=
        2 * (results.baseline[0]?.rssPerDeviceKb ?? 0) - 2,
      "the total is the two processes' RSS",
    );
    assert.ok((results.memoryRatio ?? 0) >= 1);
  });

  it("run-bench - a run of two devices meets no per-thousand target", () => {
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
    assert.equal(saved.fleets[0].devices, 2);
    assert.match(await readFile(written[1]!, "utf8"), /^<svg[^>]*>/);
    assert.match(reportTable(results), /in-sync sweep: duration \(s\)/);
    const summary = JSON.parse(summaryLine(results));
    assert.equal(summary.devices, 2);
    assert.equal(summary.targets, 5);
  });

  it("run-bench - the Markdown page has every section and the bound", () => {
    const page = reportMarkdown(results);
    for (const heading of [
      "## Machine",
      "## Method",
      "## Results",
      "## Targets",
      "## What bounds propagation",
      "## Memory",
      "## Published figures, for comparison",
    ]) {
      assert.ok(page.includes(`\n${heading}\n`), `${heading} is there`);
    }
    assert.match(page, /!\[ncm benchmark chart\]\(benchmarks\.svg\)/);
    assert.match(page, /the bound is about \d+ ms/);
    assert.ok(page.includes(reportTable(results).trimEnd()), "the table");
  });
});
