import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { Schedule } from "../../reconciler/schedule.ts";
import { logSweep, summariseSweep } from "../../reconciler/sweep-summary.ts";
import type { ReconcileOutcome } from "../../reconciler/types.ts";

function outcome(
  result: ReconcileOutcome["result"],
  code?: string,
): ReconcileOutcome {
  const error =
    code === undefined
      ? undefined
      : {
          name: "NcmError",
          code,
          category: "internal" as const,
          retryable: true,
          message: "m",
        };
  return { device: "d", result, intendedRevision: 1, durationMs: 1, error };
}

describe("sweep summary", () => {
  it("sweep - counts each outcome once, skipped and gone devices apart", () => {
    const summary = summariseSweep(
      [
        outcome("in-sync"),
        outcome("in-sync"),
        outcome("applied"),
        outcome("drifted"),
        outcome("failed", "EOS_UNREACHABLE"),
        outcome("failed", "SKIPPED"),
        outcome("unmanaged"),
        undefined,
      ],
      1234,
    );
    assert.deepEqual(summary, {
      checked: 5,
      inSync: 2,
      drifted: 2,
      corrected: 1,
      failed: 1,
      unmanaged: 1,
      skipped: 1,
      durationMs: 1234,
    });
  });

  it("sweep - logs one sweep-finished line, and none for a minion without devices", () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino(
      { base: null },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );

    logSweep(log, summariseSweep([], 5));
    logSweep(log, summariseSweep([outcome("in-sync")], 2500));

    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.event, "sweep-finished");
    assert.equal(lines[0]?.checked, 1);
    assert.equal(lines[0]?.inSync, 1);
    assert.equal(lines[0]?.durationMs, 2500);
    assert.match(
      String(lines[0]?.msg),
      /^sweep: 1 checked, 1 in sync, 0 drifted, 0 failed in 2\.5 s$/,
    );
  });

  it("schedule - reports a tick once every device's pass has settled", async () => {
    const schedule = new Schedule();
    const order: string[] = [];
    try {
      const sweep = new Promise<{ results: string[]; durationMs: number }>(
        (resolve) => {
          schedule.add(
            "* * * * * *",
            () => ["a", "b", "c"],
            async (device) => {
              order.push(device);
              await new Promise((r) => setTimeout(r, device === "b" ? 30 : 1));
              return `${device}-done`;
            },
            (results, durationMs) => resolve({ results, durationMs }),
          );
        },
      );

      const { results, durationMs } = await sweep;

      assert.deepEqual(results, ["a-done", "b-done", "c-done"]);
      assert.equal(order.length, 3);
      assert.ok(durationMs >= 30, `durationMs ${durationMs}`);
    } finally {
      schedule.stop();
    }
  });
});
