import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import {
  checked,
  type SweepSource,
  showFirstSweep,
} from "../../../cli/format/first-sweep-progress.ts";
import type { DeviceStatus } from "../../../reconciler/types.ts";

const SINCE = new Date("2026-12-03T18:00:00.000Z");
const REFRESH_MS = 250;

/** A minion's devices and checks; `reads` counts how often it was asked. */
function source(
  checks: Record<string, string | null>,
): SweepSource & { reads: number } {
  const src = {
    reads: 0,
    get devices() {
      src.reads++;
      return Object.keys(checks);
    },
    status: (device: string) =>
      ({ device, lastCheckAt: checks[device] ?? null }) as DeviceStatus,
  };
  return src;
}

function terminal(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const stream = {
    isTTY,
    text: "",
    write(chunk: string) {
      stream.text += chunk;
      return true;
    },
  };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

describe("first sweep progress", () => {
  beforeEach(() => {
    mock.timers.enable({ apis: ["setTimeout"] });
  });
  afterEach(() => {
    mock.timers.reset();
  });

  it("progress - counts devices checked since the start only", () => {
    const counts = checked(
      source({
        a: "2026-12-03T18:00:01.000Z",
        b: "2026-12-03T17:59:59.000Z",
        c: null,
      }),
      SINCE,
    );
    assert.deepEqual(counts, { done: 1, total: 3 });
  });

  it("progress - a terminal sees the count, then a cleared line, then nothing more", () => {
    const checks: Record<string, string | null> = { a: null, b: null };
    const minion = source(checks);
    const out = terminal(true);
    const stop = showFirstSweep(minion, SINCE, out);
    try {
      mock.timers.tick(REFRESH_MS);
      assert.equal(out.text, "\r\u001b[Kfirst sweep: 0/2 devices checked");
      checks.a = "2026-12-03T18:00:01.000Z";
      mock.timers.tick(REFRESH_MS);
      assert.match(out.text, /first sweep: 1\/2 devices checked$/);
      checks.b = "2026-12-03T18:00:02.000Z";
      mock.timers.tick(REFRESH_MS);
      assert.ok(out.text.endsWith("\r\u001b[K"), JSON.stringify(out.text));
      const { reads, text } = { reads: minion.reads, text: out.text };
      mock.timers.tick(REFRESH_MS * 40);
      assert.deepEqual(
        { reads: minion.reads, text: out.text },
        { reads, text },
      );
    } finally {
      stop();
    }
  });

  it("progress - a minion that owns no device shows nothing and stops at once", () => {
    const minion = source({});
    const out = terminal(true);
    const stop = showFirstSweep(minion, SINCE, out);
    try {
      mock.timers.tick(REFRESH_MS * 40);
      assert.equal(out.text, "");
      assert.equal(minion.reads, 1, "the line stopped after its first look");
    } finally {
      stop();
    }
  });

  it("progress - a pipe gets nothing", () => {
    const minion = source({ a: null });
    const out = terminal(false);
    const stop = showFirstSweep(minion, SINCE, out);
    mock.timers.tick(REFRESH_MS * 4);
    stop();
    assert.equal(out.text, "");
    assert.equal(minion.reads, 0);
  });
});
