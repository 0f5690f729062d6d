import { existsSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../core/errors.ts";
import { ROOT } from "./paths.ts";

export interface BenchOptions {
  /** Fleet sizes, each run with one minion process. */
  devices: number[];
  /** Process counts of the one-process-per-device baseline. */
  baseline: number[];
  /** Single-device propagation samples per fleet size. */
  propagationSamples: number;
  /** Devices changed at once in the concurrent propagation scenario. */
  changedAtOnce: number;
  /** Rounds of changing that many at once; latencies are pooled. */
  atOnceRounds: number;
  /** In-sync sweeps per fleet size (the median is reported). */
  sweeps: number;
  /** Writes to one key in the burst scenario. */
  burstWrites: number;
  /** How long the minion idles before its idle RSS is read, in seconds. */
  idleSeconds: number;
  /** Folder of AVD `.cfg` files the device configs are made from. */
  configs: string;
  /** Where latest.json and latest.svg are written. */
  out: string;
  /** Also write docs/benchmarks.json, benchmarks.svg and BENCHMARKS.md. */
  publish: boolean;
  /** Print a one-line JSON summary last. */
  json: boolean;
  /** Where the minion and simulator write CPU profiles (`--cpu-prof`). */
  cpuProfile?: string;
  /** Extra node flags for the minion, for experiments (V8 heap sizes). */
  minionFlags: string[];
  /** Extra `ncm minion` arguments, for experiments (`--concurrency 16`). */
  minionArgs: string[];
}

/**
 * The AVD example designs when present (as in the project's tests, overridable
 * with NCM_AVD_FIXTURES), otherwise the configs shipped for the demo.
 */
function defaultConfigs(): string {
  const fixtures =
    process.env.NCM_AVD_FIXTURES ??
    join(ROOT, "..", "shared", "fixtures", "avd", "examples");
  return existsSync(fixtures)
    ? fixtures
    : join(ROOT, "examples", "avd-lab", "configs");
}

export const BENCH_DEFAULTS: BenchOptions = {
  devices: [1, 100, 1000],
  baseline: [1, 10, 50],
  propagationSamples: 20,
  changedAtOnce: 100,
  atOnceRounds: 3,
  sweeps: 3,
  burstWrites: 100,
  idleSeconds: 70,
  configs: defaultConfigs(),
  out: join(ROOT, "bench", "results"),
  publish: false,
  json: false,
  minionFlags: [],
  minionArgs: [],
};

/** `--quick`: a smoke run of the smallest sizes, in seconds. */
const QUICK: Partial<BenchOptions> = {
  devices: [1, 10],
  baseline: [1, 2],
  propagationSamples: 5,
  changedAtOnce: 10,
  atOnceRounds: 1,
  sweeps: 1,
  burstWrites: 20,
  idleSeconds: 5,
};

export const BENCH_USAGE = `usage: npm run bench -- [options]
  --devices 1,100,1000   fleet sizes managed by one minion
  --baseline 1,10,50     process counts of the one-process-per-device baseline
  --quick                small sizes, for a smoke run
  --samples N            single-device propagation samples (20)
  --at-once N            devices changed at once (100)
  --rounds N             rounds of changing them at once (3)
  --sweeps N             in-sync sweeps per size, median reported (3)
  --burst N              writes to one key in the burst (100)
  --idle S               idle time before idle RSS is read, in seconds (70)
  --configs DIR          AVD .cfg files the device configs are made from
  --out DIR              where latest.json and latest.svg go (bench/results)
  --publish              also write docs/benchmarks.json, .svg and BENCHMARKS.md
  --cpu-prof DIR         profile the minion and simulator (node --cpu-prof)
  --minion-flags "..."   extra node flags for the minion, for experiments
  --minion-args "..."    extra ncm minion arguments, for experiments
  --json                 print a one-line JSON summary last`;

/** Parses the command line; every refusal names the option and value. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { ...BENCH_DEFAULTS };
  const args = [...argv];
  if (args.includes("--quick")) {
    Object.assign(options, QUICK);
  }
  while (args.length > 0) {
    const flag = args.shift() as string;
    if (flag === "--quick") {
      continue;
    }
    if (FLAGS[flag] !== undefined) {
      FLAGS[flag](options);
      continue;
    }
    const take = VALUED[flag];
    const value = args.shift();
    if (take === undefined || value === undefined) {
      throw new UsageError(
        `unknown or incomplete option ${JSON.stringify(flag)}\n${BENCH_USAGE}`,
      );
    }
    take(options, value, flag);
  }
  return options;
}

const FLAGS: Record<string, (o: BenchOptions) => void> = {
  "--publish": (o) => {
    o.publish = true;
  },
  "--json": (o) => {
    o.json = true;
  },
};

type Take = (o: BenchOptions, value: string, flag: string) => void;

const VALUED: Record<string, Take> = {
  "--devices": (o, v, f) => {
    o.devices = countList(f, v);
  },
  "--baseline": (o, v, f) => {
    o.baseline = countList(f, v);
  },
  "--samples": (o, v, f) => {
    o.propagationSamples = count(f, v);
  },
  "--at-once": (o, v, f) => {
    o.changedAtOnce = count(f, v);
  },
  "--rounds": (o, v, f) => {
    o.atOnceRounds = count(f, v);
  },
  "--sweeps": (o, v, f) => {
    o.sweeps = count(f, v);
  },
  "--burst": (o, v, f) => {
    o.burstWrites = count(f, v);
  },
  "--idle": (o, v, f) => {
    o.idleSeconds = count(f, v);
  },
  "--configs": (o, v) => {
    o.configs = v;
  },
  "--out": (o, v) => {
    o.out = v;
  },
  "--cpu-prof": (o, v) => {
    o.cpuProfile = v;
  },
  "--minion-flags": (o, v) => {
    o.minionFlags = words(v);
  },
  "--minion-args": (o, v) => {
    o.minionArgs = words(v);
  },
};

function words(value: string): string[] {
  return value.split(" ").filter((word) => word !== "");
}

function count(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 100_000) {
    throw new UsageError(
      `invalid ${flag} ${JSON.stringify(value)}: expected a whole number from 1 to 100000`,
    );
  }
  return n;
}

function countList(flag: string, value: string): number[] {
  const items = value.split(",").filter((item) => item.trim() !== "");
  if (items.length === 0) {
    throw new UsageError(
      `invalid ${flag} ${JSON.stringify(value)}: expected comma-separated whole numbers, e.g. 1,100,1000`,
    );
  }
  return items.map((item) => count(flag, item.trim()));
}
