import type { BenchResults } from "./bench-results.ts";
import { TARGETS } from "./targets.ts";

/** One horizontal bar. */
interface Bar {
  label: string;
  value: number;
  /** Shown at the bar's end. */
  text: string;
  color: string;
}

interface Panel {
  title: string;
  bars: Bar[];
  scale: "log" | "linear";
  /** A dashed vertical line, e.g. a target. */
  marker?: { value: number; label: string };
}

const WIDTH = 760;
const LABEL_WIDTH = 250;
const PLOT_WIDTH = 400;
const BAR_HEIGHT = 16;
const BAR_GAP = 6;
const PANEL_GAP = 56;
const NCM = "#2b6cb0";
const NCM_LIGHT = "#90cdf4";
const BASELINE = "#c05621";
const PUBLISHED = "#a0aec0";

/** The run as an SVG chart: memory per device, propagation, sweeps. */
export function reportSvg(results: BenchResults): string {
  const panels = [
    memoryPanel(results),
    propagationPanel(results),
    sweepPanel(results),
  ];
  let y = 40;
  const parts: string[] = [];
  for (const panel of panels) {
    parts.push(drawPanel(panel, y));
    y += panelHeight(panel) + PANEL_GAP;
  }
  const m = results.machine;
  const caption = `${m.cpus} CPUs (${m.cpuModel}), node ${m.node}, nats-server ${m.natsServer}, ${results.startedAt.slice(0, 10)}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    text(10, 20, "ncm benchmark: one minion process for the whole fleet", {
      size: 15,
      weight: "bold",
    }),
    ...parts,
    text(10, y - 16, xmlText(caption), { size: 10, color: "#555" }),
    "</svg>",
    "",
  ].join("\n");
}

function memoryPanel(results: BenchResults): Panel {
  const bars: Bar[] = results.fleets.flatMap((f) => [
    {
      label: `ncm, ${f.devices} device${f.devices === 1 ? "" : "s"}, idle`,
      value: f.memory.rssPerDeviceKb / 1024,
      text: megabytes(f.memory.rssPerDeviceKb / 1024),
      color: NCM,
    },
    {
      label: `ncm, ${f.devices} device${f.devices === 1 ? "" : "s"}, peak`,
      value: f.memory.peakRssPerDeviceKb / 1024,
      text: megabytes(f.memory.peakRssPerDeviceKb / 1024),
      color: NCM_LIGHT,
    },
  ]);
  for (const b of results.baseline) {
    bars.push({
      label: `a process per device, ${b.processes}, idle`,
      value: b.rssPerDeviceKb / 1024,
      text: megabytes(b.rssPerDeviceKb / 1024),
      color: BASELINE,
    });
  }
  bars.push(
    {
      label: "Salt proxy minion, published (low)",
      value: 40,
      text: "40 MB",
      color: PUBLISHED,
    },
    {
      label: "Salt proxy minion, published (high)",
      value: 140,
      text: "140 MB",
      color: PUBLISHED,
    },
  );
  return {
    title: "Minion memory (RSS) per managed device, MB, log scale",
    bars,
    scale: "log",
    marker: { value: TARGETS.rssPerDeviceKb / 1024, label: "target 150 KB" },
  };
}

function propagationPanel(results: BenchResults): Panel {
  const bars: Bar[] = [];
  for (const f of results.fleets) {
    bars.push({
      label: `${f.devices} devices, 1 changed: p99`,
      value: f.propagationOne.p99Ms,
      text: `${f.propagationOne.p99Ms.toFixed(0)} ms (p50 ${f.propagationOne.p50Ms.toFixed(0)})`,
      color: NCM_LIGHT,
    });
    const many = f.propagationMany;
    if (many !== null) {
      bars.push({
        label: `${f.devices} devices, ${many.atOnce} at once: p99`,
        value: many.p99Ms,
        text: `${many.p99Ms.toFixed(0)} ms (p50 ${many.p50Ms.toFixed(0)})`,
        color: NCM,
      });
    }
  }
  return {
    title: "Propagation: file written to commit confirmed, ms",
    bars,
    scale: "linear",
    marker: { value: TARGETS.p99Ms, label: "target 250 ms" },
  };
}

function sweepPanel(results: BenchResults): Panel {
  const bars = results.fleets.flatMap((f) => [
    {
      label: `${f.devices} devices, in sync`,
      value: f.sweep.durationMs / 1000,
      text: `${(f.sweep.durationMs / 1000).toFixed(2)} s`,
      color: NCM,
    },
    {
      label: `${f.devices} devices, 10% drifted`,
      value: f.driftSweep.durationMs / 1000,
      text: `${(f.driftSweep.durationMs / 1000).toFixed(2)} s`,
      color: NCM_LIGHT,
    },
  ]);
  return {
    title: "Sweep of every device, s",
    bars,
    scale: "linear",
    marker: {
      value: TARGETS.sweepMs / 1000,
      label: "target 5 s (1,000 in sync)",
    },
  };
}

function panelHeight(panel: Panel): number {
  return 24 + panel.bars.length * (BAR_HEIGHT + BAR_GAP) + 14;
}

function drawPanel(panel: Panel, top: number): string {
  const position = scaler(panel);
  const out = [text(10, top, xmlText(panel.title), { weight: "bold" })];
  panel.bars.forEach((bar, i) => {
    const y = top + 14 + i * (BAR_HEIGHT + BAR_GAP);
    const w = Math.max(1, position(bar.value));
    out.push(
      text(LABEL_WIDTH - 8, y + 12, xmlText(bar.label), { anchor: "end" }),
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" fill="${bar.color}"/>`,
      text(LABEL_WIDTH + w + 6, y + 12, xmlText(bar.text)),
    );
  });
  const bottom = top + 14 + panel.bars.length * (BAR_HEIGHT + BAR_GAP);
  if (panel.marker !== undefined) {
    const x = LABEL_WIDTH + position(panel.marker.value);
    out.push(
      `<line x1="${x.toFixed(1)}" y1="${top + 8}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="#e53e3e" stroke-dasharray="4 3"/>`,
      text(x, bottom + 12, xmlText(panel.marker.label), {
        anchor: "middle",
        size: 10,
        color: "#e53e3e",
      }),
    );
  }
  return out.join("\n");
}

/** Value to bar length; a log scale spans the values' decades. */
function scaler(panel: Panel): (value: number) => number {
  const values = [
    ...panel.bars.map((b) => b.value),
    panel.marker?.value ?? 0,
  ].filter((v) => v > 0);
  const max = Math.max(...values);
  if (panel.scale === "linear") {
    return (value) => (value / max) * PLOT_WIDTH;
  }
  const low = Math.floor(Math.log10(Math.min(...values)));
  const high = Math.ceil(Math.log10(max));
  return (value) =>
    value <= 0 ? 0 : ((Math.log10(value) - low) / (high - low)) * PLOT_WIDTH;
}

function text(
  x: number,
  y: number,
  content: string,
  style: {
    anchor?: string;
    size?: number;
    weight?: string;
    color?: string;
  } = {},
): string {
  const attributes = [
    `x="${x.toFixed(1)}"`,
    `y="${y.toFixed(1)}"`,
    style.anchor === undefined ? "" : `text-anchor="${style.anchor}"`,
    style.size === undefined ? "" : `font-size="${style.size}"`,
    style.weight === undefined ? "" : `font-weight="${style.weight}"`,
    style.color === undefined ? "" : `fill="${style.color}"`,
  ].filter((a) => a !== "");
  return `<text ${attributes.join(" ")}>${content}</text>`;
}

function megabytes(mb: number): string {
  return mb >= 10
    ? `${mb.toFixed(0)} MB`
    : mb >= 1
      ? `${mb.toFixed(1)} MB`
      : `${(mb * 1024).toFixed(0)} KB`;
}

function xmlText(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}
