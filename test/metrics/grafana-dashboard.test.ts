import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { MinionMetrics } from "../../metrics/minion-metrics.ts";
import { parsePrometheusText } from "../harness/prometheus-text.ts";

const DASHBOARD = new URL("../../docs/grafana-dashboard.json", import.meta.url);

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string }[];
}

async function dashboard(): Promise<{ uid: string; panels: Panel[] }> {
  return JSON.parse(await readFile(DASHBOARD, "utf8"));
}

/** Every series name a minion exposes, histogram parts included. */
async function exposedNames(): Promise<Set<string>> {
  const metrics = new MinionMetrics({ minion: "m" });
  metrics.passFinished({
    device: "d",
    result: "applied",
    intendedRevision: 1,
    durationMs: 1,
  });
  const families = parsePrometheusText(await metrics.text());
  return new Set(
    [...families.values()].flatMap((f) => f.samples.map((s) => s.name)),
  );
}

describe("grafana dashboard", () => {
  it("dashboard - every query names metrics a minion exposes, filtered by $minion", async () => {
    const { uid, panels } = await dashboard();
    const names = await exposedNames();
    assert.equal(uid, "ncm-minions");
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    assert.ok(exprs.length >= 10);
    const used = new Set<string>();
    for (const expr of exprs) {
      const metrics = expr.match(/\b(?:ncm|process|nodejs)_[a-z0-9_]+/g) ?? [];
      assert.ok(metrics.length > 0, expr);
      for (const name of metrics) {
        assert.ok(names.has(name), `${name} in ${expr} is not exposed`);
        used.add(name.replace(/_(bucket|sum|count)$/, ""));
      }
      assert.match(expr, /minion=~"\$minion"/, expr);
    }
    for (const family of [
      "ncm_reconciles_total",
      "ncm_drift_detected_total",
      "ncm_apply_duration_seconds",
      "ncm_devices",
      "ncm_queue_depth",
      "ncm_ssh_connections",
      "ncm_nats_reconnects_total",
    ]) {
      assert.ok(used.has(family), `no panel shows ${family}`);
    }
  });

  it("dashboard - panels have unique ids and do not overlap", async () => {
    const { panels } = await dashboard();
    assert.equal(new Set(panels.map((p) => p.id)).size, panels.length);
    for (const [i, a] of panels.entries()) {
      assert.ok(a.gridPos.x + a.gridPos.w <= 24, a.title);
      for (const b of panels.slice(i + 1)) {
        const apart =
          a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
          b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
          a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
          b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        assert.ok(apart, `${a.title} overlaps ${b.title}`);
      }
    }
  });
});
