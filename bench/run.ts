/**
 * `npm run bench [-- options]`: measures one ncm minion process managing
 * 1, 100 and 1,000 simulated devices, and the one-process-per-device
 * baseline, each side in processes of its own. Progress on stderr; the
 * table on stdout, then (`--json`) a one-line summary.
 */

import { natsServerMissing } from "../clab/nats-server.ts";
import { NcmError } from "../core/errors.ts";
import { parseBenchOptions } from "./bench-options.ts";
import { reportSvg } from "./report-svg.ts";
import { reportTable } from "./report-table.ts";
import { runBench, saveResults, summaryLine } from "./run-bench.ts";

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const missing = natsServerMissing();
  if (missing !== null) {
    throw new NcmError(
      "input",
      "BENCH_NO_NATS",
      `cannot run the benchmark: ${missing}`,
    );
  }
  const started = Date.now();
  const progress = (message: string) => {
    const at = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
    process.stderr.write(`[bench ${at} s] ${message}\n`);
  };
  const results = await runBench(options, progress);
  const written = await saveResults(results, reportSvg(results), options);
  process.stdout.write(reportTable(results));
  process.stdout.write(`\nresults: ${written.join(", ")}\n`);
  if (options.json) {
    process.stdout.write(`${summaryLine(results)}\n`);
  }
}

main().catch((err: unknown) => {
  const usage = err instanceof NcmError && err.category === "input";
  process.stderr.write(
    `bench: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exitCode = usage ? 2 : 1;
});
