/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for
 * tests: it throws on anything a Prometheus server would refuse or that
 * breaks the format's rules, rather than guessing.
 */

export type MetricType =
  | "counter"
  | "gauge"
  | "histogram"
  | "summary"
  | "untyped";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly MetricType[] = [
  "counter",
  "gauge",
  "histogram",
  "summary",
  "untyped",
];

/** Parses exposition text into families keyed by name. */
export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: Family | null = null;
  const seen = new Set<string>();
  const lines = text.split("\n");
  if (lines.at(-1) !== "") {
    throw new Error("exposition text must end with a newline");
  }
  lines.forEach((line, i) => {
    const at = `line ${i + 1}`;
    if (line === "") {
      return;
    }
    if (line.startsWith("#")) {
      current = comment(line, at, families, current);
      return;
    }
    const sample = parseSample(line, at);
    if (current === null || familyOf(sample.name, current) !== current.name) {
      throw new Error(
        `${at}: sample ${sample.name} outside its family's block`,
      );
    }
    const key = `${sample.name}${JSON.stringify(sortedLabels(sample.labels))}`;
    if (seen.has(key)) {
      throw new Error(`${at}: duplicate series ${key}`);
    }
    seen.add(key);
    current.samples.push(sample);
  });
  for (const family of families.values()) {
    if (family.type === "histogram") {
      checkHistogram(family);
    }
  }
  return families;
}

/** The value of one series; labels must match exactly (default labels included). */
export function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === name && sameLabels(sample.labels, labels)) {
        return sample.value;
      }
    }
  }
  return undefined;
}

function comment(
  line: string,
  at: string,
  families: Map<string, Family>,
  current: Family | null,
): Family | null {
  const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
  if (match === null) {
    return current;
  }
  const [, kind, name = "", rest = ""] = match;
  if (!NAME.test(name)) {
    throw new Error(`${at}: invalid metric name ${JSON.stringify(name)}`);
  }
  let family = families.get(name);
  if (family === undefined) {
    family = { name, type: "untyped", help: "", samples: [] };
    families.set(name, family);
  } else if (family !== current) {
    throw new Error(`${at}: family ${name} appears twice`);
  }
  if (kind === "TYPE") {
    const type = TYPES.find((t) => t === rest);
    if (type === undefined || family.samples.length > 0) {
      throw new Error(`${at}: bad or late TYPE line for ${name}`);
    }
    family.type = type;
  } else {
    family.help = rest.replace(/\\n/g, "\n").replace(/\\\\/g, "\\");
  }
  return family;
}

function parseSample(line: string, at: string): Sample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)( -?\d+)?$/.exec(
    line,
  );
  if (match === null) {
    throw new Error(`${at}: not a sample line: ${JSON.stringify(line)}`);
  }
  const [, name = "", labelText, valueText = ""] = match;
  return {
    name,
    labels: labelText === undefined ? {} : parseLabels(labelText, at),
    value: parseValue(valueText, at),
  };
}

function parseLabels(text: string, at: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text.slice(1, -1);
  while (rest.length > 0) {
    const match = /^([^=]+)="((?:[^"\\]|\\.)*)"(,|$)/.exec(rest);
    const [whole = "", name = "", raw = ""] = match ?? [];
    if (match === null || !LABEL_NAME.test(name) || name in labels) {
      throw new Error(`${at}: bad labels ${text}`);
    }
    labels[name] = raw.replace(/\\(.)/g, (_, c: string) =>
      c === "n" ? "\n" : c,
    );
    rest = rest.slice(whole.length);
  }
  return labels;
}

/**
 * Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in
 * any case (prom-client writes "Nan"); so does this.
 */
function parseValue(text: string, at: string): number {
  const special = text.toLowerCase();
  if (special === "+inf" || special === "inf") return Number.POSITIVE_INFINITY;
  if (special === "-inf") return Number.NEGATIVE_INFINITY;
  if (special === "nan") return Number.NaN;
  const value = Number(text);
  if (text === "" || Number.isNaN(value)) {
    throw new Error(`${at}: bad value ${JSON.stringify(text)}`);
  }
  return value;
}

/** The family a sample name belongs to, given the current family's type. */
function familyOf(sample: string, current: Family): string {
  const suffixes =
    current.type === "histogram"
      ? ["_bucket", "_sum", "_count"]
      : current.type === "summary"
        ? ["_sum", "_count"]
        : [];
  const suffix = suffixes.find((s) => sample === current.name + s);
  return suffix === undefined ? sample : current.name;
}

/**
 * In each series of the family (labels other than `le`), buckets are
 * cumulative, end at +Inf, and +Inf equals _count.
 */
function checkHistogram(family: Family): void {
  const series = new Map<string, Sample[]>();
  for (const sample of family.samples) {
    const { le: _, ...rest } = sample.labels;
    const key = JSON.stringify(sortedLabels(rest));
    series.set(key, [...(series.get(key) ?? []), sample]);
  }
  for (const [key, samples] of series) {
    const where = `${family.name}${key}`;
    const buckets = samples.filter((s) => s.name.endsWith("_bucket"));
    let previous = 0;
    for (const bucket of buckets) {
      if (bucket.labels.le === undefined || bucket.value < previous) {
        throw new Error(`${where}: buckets not cumulative or without le`);
      }
      previous = bucket.value;
    }
    const inf = buckets.find((b) => b.labels.le === "+Inf");
    const count = samples.find((s) => s.name === `${family.name}_count`);
    if (inf === undefined || count === undefined || inf.value !== count.value) {
      throw new Error(`${where}: +Inf bucket missing or not equal to _count`);
    }
  }
}

function sortedLabels(labels: Record<string, string>): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));
}

function sameLabels(
  a: Record<string, string>,
  b: Record<string, string>,
): boolean {
  return JSON.stringify(sortedLabels(a)) === JSON.stringify(sortedLabels(b));
}
