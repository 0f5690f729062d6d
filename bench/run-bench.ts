import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { measureBaseline } from "./baseline.ts";
import type { BenchOptions } from "./bench-options.ts";
import type { BenchResults, ConfigSet, FleetResult } from "./bench-results.ts";
import { type ConfigTemplate, loadTemplates } from "./config-templates.ts";
import { Fleet } from "./fleet-run.ts";
import { machineInfo } from "./machine-info.ts";
import { measureFleet, type Progress } from "./measure-fleet.ts";
import { LAUNCH } from "./ncm-process.ts";
import { ROOT } from "./paths.ts";
import { reportMarkdown } from "./report-markdown.ts";
import { checkTargets, memoryRatio } from "./targets.ts";

const DOCS = join(ROOT, "docs");

/** Runs every fleet size, then the baseline, and gathers the results. */
export async function runBench(
  options: BenchOptions,
  progress: Progress,
): Promise<BenchResults> {
  const startedAt = new Date();
  const loadAtStart = loadavg()[0] ?? 0;
  const templates = await loadTemplates(options.configs);
  const fleets: FleetResult[] = [];
  for (const size of [...options.devices].sort((a, b) => a - b)) {
    progress(`${size} devices: starting nats-server, sim, watch, minion`);
    const fleet = await Fleet.start(size, templates, options);
    try {
      fleets.push(await measureFleet(fleet, options, progress));
    } finally {
      await fleet.stop();
    }
  }
  const baseline = await measureBaseline(
    options.baseline,
    templates,
    options.idleSeconds * 1000,
    progress,
  );
  const ratio = memoryRatio(fleets, baseline);
  return {
    startedAt: startedAt.toISOString(),
    durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine: machineInfo(loadAtStart),
    launch: LAUNCH,
    configs: configSet(options.configs, templates),
    fleets,
    baseline,
    memoryRatio: ratio,
    targets: checkTargets(fleets, ratio),
  };
}

/**
 * Writes latest.json and latest.svg, and when publishing the docs copies
 * and docs/BENCHMARKS.md.
 */
export async function saveResults(
  results: BenchResults,
  svg: string,
  options: BenchOptions,
): Promise<string[]> {
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const written = [
    join(options.out, "latest.json"),
    join(options.out, "latest.svg"),
  ];
  await mkdir(options.out, { recursive: true });
  await writeFile(written[0]!, json);
  await writeFile(written[1]!, svg);
  if (options.publish) {
    written.push(
      join(DOCS, "benchmarks.json"),
      join(DOCS, "benchmarks.svg"),
      join(DOCS, "BENCHMARKS.md"),
    );
    await writeFile(written[2]!, json);
    await writeFile(written[3]!, svg);
    await writeFile(written[4]!, reportMarkdown(results));
  }
  return written;
}

/** The one-line summary `--json` prints last. */
export function summaryLine(results: BenchResults): string {
  const largest = results.fleets.at(-1);
  return JSON.stringify({
    devices: largest?.devices ?? 0,
    sweepMs: largest?.sweep.durationMs ?? null,
    rssPerDeviceKb: largest?.memory.rssPerDeviceKb ?? null,
    p99Ms:
      largest?.propagationMany?.p99Ms ?? largest?.propagationOne.p99Ms ?? null,
    memoryRatio: results.memoryRatio,
    targetsMet: results.targets.filter((t) => t.met).length,
    targets: results.targets.length,
  });
}

function configSet(
  source: string,
  templates: readonly ConfigTemplate[],
): ConfigSet {
  const sizes = templates.map((t) => Buffer.byteLength(t.text));
  return {
    source,
    templates: templates.length,
    minBytes: Math.min(...sizes),
    meanBytes: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length),
    maxBytes: Math.max(...sizes),
  };
}
