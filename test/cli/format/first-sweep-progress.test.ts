import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  checked,
  type SweepSource,
  showFirstSweep,
} from "../../../cli/format/first-sweep-progress.ts";
import type { DeviceStatus } from "../../../reconciler/types.ts";
import { waitUntil } from "../../harness/wait.ts";

const SINCE = new Date("2026-12-03T18:00:00.000Z");

function source(checks: Record<string, string | null>): SweepSource {
  return {
    devices: Object.keys(checks),
    status: (device) =>
      ({ device, lastCheckAt: checks[device] ?? null }) as DeviceStatus,
  };
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

  it("progress - a terminal sees the count, then a cleared line", async () => {
    const checks: Record<string, string | null> = { a: null, b: null };
    const out = terminal(true);
    const stop = showFirstSweep(source(checks), SINCE, out);
    try {
      await waitUntil("0/2", () => out.text.includes("first sweep: 0/2"));
      checks.a = "2026-12-03T18:00:01.000Z";
      checks.b = "2026-12-03T18:00:02.000Z";
      await waitUntil("a cleared line", () => out.text.endsWith("\r\u001b[K"));
    } finally {
      stop();
    }
  });

  it("progress - a pipe gets nothing", async () => {
    const out = terminal(false);
    const stop = showFirstSweep(source({ a: null }), SINCE, out);
    await new Promise((r) => setTimeout(r, 300));
    stop();
    assert.equal(out.text, "");
  });
});
