import type { BenchResults, FleetResult } from "./bench-results.ts";

type Row = [label: string, value: (fleet: FleetResult) => string];

const ms = (n: number) => n.toFixed(0);
const s = (n: number) => (n / 1000).toFixed(2);
const mb = (kb: number) => (kb / 1024).toFixed(1);

const ROWS: Row[] = [
  ["startup: all in sync (s)", (f) => s(f.startup.durationMs)],
  ["startup: minion CPU (s)", (f) => s(f.startup.cpuMs)],
  [
    "propagation, 1 changed: p50 / p99 (ms)",
    (f) => `${ms(f.propagationOne.p50Ms)} / ${ms(f.propagationOne.p99Ms)}`,
  ],
  [
    "propagation, many at once: p50 / p99 (ms)",
    (f) =>
      f.propagationMany === null
        ? "n/a"
        : `${ms(f.propagationMany.p50Ms)} / ${ms(f.propagationMany.p99Ms)} ` +
          `(${f.propagationMany.samples / f.propagationMany.atOnce}x${f.propagationMany.atOnce})`,
  ],
  [
    "  CPU per change: minion / sim / watch / nats / bench (ms)",
    (f) => {
      const c = f.propagationMany?.cpuMsPerChange;
      return c === undefined
        ? "n/a"
        : [c.minion, c.simulator, c.watcher, c.natsServer, c.bench]
            .map((v) => v.toFixed(1))
            .join(" / ");
    },
  ],
  ["in-sync sweep: duration (s)", (f) => s(f.sweep.durationMs)],
  ["in-sync sweep: minion CPU (s)", (f) => s(f.sweep.cpuMs)],
  ["in-sync sweep: simulator CPU (s)", (f) => s(f.sweep.simCpuMs)],
  [
    "sweep, 10% drifted: duration (s)",
    (f) => `${s(f.driftSweep.durationMs)} (${f.driftSweep.drifted} fixed)`,
  ],
  [
    "burst of writes to one key: commits",
    (f) => `${f.burst.commits} for ${f.burst.writes}`,
  ],
  [
    "minion RSS idle / busy / peak (MB)",
    (f) =>
      `${mb(f.memory.rssKb)} / ${mb(f.memory.busyRssKb)} / ${mb(f.memory.peakRssKb)}`,
  ],
  [
    "RSS per device idle / busy / peak (KB)",
    (f) =>
      [
        f.memory.rssPerDeviceKb,
        f.memory.busyRssPerDeviceKb,
        f.memory.peakRssPerDeviceKb,
      ]
        .map((kb) => kb.toFixed(0))
        .join(" / "),
  ],
];

/** The run as plain-text tables, for a terminal. */
export function reportTable(results: BenchResults): string {
  const m = results.machine;
  const c = results.configs;
  const lines = [
    `ncm benchmark: ${m.cpus} CPUs (${m.cpuModel}), ${(m.memoryMb / 1024).toFixed(1)} GB, ` +
      `node ${m.node}, nats-server ${m.natsServer}; load ${m.loadAverage[0]} at start, ${m.loadAverage[1]} at end`,
    `ncm processes: ${results.launch}; ${c.templates} AVD configs of ` +
      `${kb(c.minBytes)} to ${kb(c.maxBytes)} KB (mean ${kb(c.meanBytes)} KB)`,
    "",
    ...fleetTable(results.fleets),
    "",
    ...baselineTable(results),
    "",
    "targets:",
    ...results.targets.map(
      (t) => `  [${t.met ? "met" : "NOT MET"}] ${t.target}: ${t.measured}`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

function fleetTable(fleets: readonly FleetResult[]): string[] {
  const header = [
    "one minion process",
    ...fleets.map((f) => `${f.devices} device${f.devices === 1 ? "" : "s"}`),
  ];
  const rows = ROWS.map(([label, value]) => [label, ...fleets.map(value)]);
  return columns([header, ...rows]);
}

function baselineTable(results: BenchResults): string[] {
  const rows = results.baseline.map((b) => [
    String(b.processes),
    mb(b.totalRssKb),
    `${mb(b.rssPerDeviceKb)} / ${mb(b.busyRssPerDeviceKb)}`,
  ]);
  const ratio =
    results.memoryRatio === null
      ? []
      : [
          `ncm uses ${results.memoryRatio} times less memory per device ` +
            `(idle, at ${results.fleets.at(-1)?.devices} devices)`,
        ];
  return [
    ...columns([
      [
        "one process per device",
        "RSS total idle (MB)",
        "per device idle / busy (MB)",
      ],
      ...rows,
    ]),
    ...ratio,
  ];
}

/** Left-aligned first column, right-aligned others. */
function columns(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, i) =>
    Math.max(...rows.map((row) => (row[i] ?? "").length)),
  );
  return rows.map((row) =>
    row
      .map((cell, i) =>
        i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!),
      )
      .join("   ")
      .trimEnd(),
  );
}

function kb(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}
