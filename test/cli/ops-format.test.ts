import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { colourDiff, wantsColour } from "../../cli/format/colour-diff.ts";
import { seconds } from "../../cli/format/duration.ts";
import { diffSize, eventSummary } from "../../cli/format/event-summary.ts";
import { outcomeSummary } from "../../cli/format/reconcile-outcome.ts";
import {
  type EventRecord,
  mergeHistory,
  type RevisionRecord,
} from "../../cli/history-record.ts";
import { firstChange } from "../../cli/intended-revisions.ts";
import type { ReconcileOutcome } from "../../reconciler/types.ts";

const ESC = "\u001b[";

describe("operator output formatting", () => {
  it("colourDiff - colours added and removed lines, leaves context plain", () => {
    const diff = "--- a\n+++ b\n@@ -1 +1 @@\n keep\n-old\n+new\n";
    const lines = colourDiff(diff, true).split("\n");

    assert.equal(lines[0], `${ESC}1m--- a${ESC}0m`);
    assert.equal(lines[3], " keep");
    assert.equal(lines[4], `${ESC}31m-old${ESC}0m`);
    assert.equal(lines[5], `${ESC}32m+new${ESC}0m`);
    assert.equal(lines[6], "");
    assert.equal(colourDiff(diff, false), diff);
  });

  it("eventSummary - drift made by hand and a revision kept off the device read differently", () => {
    const drift = {
      device: "leaf1",
      at: "2026-12-04T00:00:00.000Z",
      owner: "m",
      intendedRevision: 3,
      kind: "drift-detected",
      diff: "--- a\n+++ b\n+x\n-y\n",
      mode: "observe",
      paused: false,
      outOfBand: true,
    } as const;
    assert.equal(eventSummary(drift), "drift +1 -1 lines, observe mode");
    assert.equal(
      eventSummary({ ...drift, outOfBand: false }),
      "revision not applied +1 -1 lines, observe mode",
    );
  });

  it("wantsColour - only on a terminal, and never with NO_COLOR set", () => {
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      assert.equal(wantsColour({ isTTY: true }), true);
      assert.equal(wantsColour({ isTTY: false }), false);
      assert.equal(wantsColour({}), false);
      process.env.NO_COLOR = "1";
      assert.equal(wantsColour({ isTTY: true }), false);
    } finally {
      if (saved === undefined) {
        delete process.env.NO_COLOR;
      } else {
        process.env.NO_COLOR = saved;
      }
    }
  });

  const changes = [
    {
      before: "a\nb\nc\n",
      after: "a\nB\nc\n",
      expected: 'first change at line 2: "B"',
    },
    {
      before: "a\nb\nc",
      after: "a\nb",
      expected: 'first change at line 3: removed "c"',
    },
    { before: "a\n", after: "a\n", expected: "no change" },
    {
      before: "x\n",
      after: "   enable secret sha512 $6$abcdef\n",
      expected: 'first change at line 1: "enable secret sha512 <masked>"',
    },
    {
      before: "",
      after: `description ${"z".repeat(80)}`,
      expected: `first change at line 1: "description ${"z".repeat(47)}…"`,
    },
  ];
  for (const { before, after, expected } of changes) {
    it(`firstChange - ${expected}`, () => {
      assert.equal(firstChange(before, after), expected);
    });
  }

  it("diffSize - counts changed lines, not the file headers", () => {
    assert.equal(diffSize("--- a\n+++ b\n+x\n+y\n-z\n ctx\n"), "+2 -1 lines");
    assert.equal(diffSize(""), "+0 -0 lines");
  });

  it("seconds - milliseconds, seconds and minutes", () => {
    assert.equal(seconds(850), "850 ms");
    assert.equal(seconds(1234), "1.2 s");
    assert.equal(seconds(125_000), "2m 05s");
  });

  it("outcomeSummary - counts per result, failures last", () => {
    const outcome = (result: ReconcileOutcome["result"]): ReconcileOutcome => ({
      device: "d",
      result,
      intendedRevision: 1,
      durationMs: 1,
    });
    const outcomes = ["failed", "in-sync", "applied", "in-sync"].map((r) =>
      outcome(r as ReconcileOutcome["result"]),
    );

    assert.equal(
      outcomeSummary(outcomes),
      "4 devices: 2 in-sync, 1 applied, 1 failed",
    );
  });

  it("mergeHistory - by time; at the same instant the revision comes first", () => {
    const at = "2026-12-03T18:00:00.000Z";
    const revision = (n: number, time: string): RevisionRecord => ({
      kind: "revision",
      at: time,
      revision: n,
      operation: "PUT",
      size: 1,
      sha256: "0",
      sameAs: null,
      who: null,
      summary: "",
    });
    const event: EventRecord = {
      kind: "resumed",
      at,
      revision: 1,
      who: "a@b",
      summary: "",
      event: {
        kind: "resumed",
        device: "d",
        at,
        owner: "m",
        intendedRevision: 1,
      },
    };
    const merged = mergeHistory(
      [revision(1, at), revision(2, "2026-12-03T18:00:01.000Z")],
      [event],
    );

    assert.deepEqual(
      merged.map((r) => `${r.kind}:${r.revision}`),
      ["revision:1", "resumed:1", "revision:2"],
    );
  });
});
