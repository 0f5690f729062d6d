import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NcmError } from "../../core/errors.ts";
import { silentLogger } from "../../core/log.ts";
import {
  LatestValueWriter,
  OrderedAppender,
} from "../../reconciler/retrying-writer.ts";

/** A write that completes when the test says so, and records its order. */
class Gate {
  readonly started: string[] = [];
  readonly finished: string[] = [];
  #open = new Map<
    string,
    { resolve: () => void; reject: (e: Error) => void }
  >();
  maxInFlight = 0;

  write = (label: string): Promise<void> => {
    this.started.push(label);
    this.maxInFlight = Math.max(this.maxInFlight, this.#open.size + 1);
    return new Promise<void>((resolve, reject) => {
      this.#open.set(label, {
        resolve: () => {
          this.finished.push(label);
          resolve();
        },
        reject,
      });
    });
  };

  /** Completes (or fails) every write in flight, then lets them settle. */
  async release(fail = false): Promise<void> {
    const open = [...this.#open.values()];
    this.#open.clear();
    for (const write of open) {
      fail ? write.reject(new Error("nats down")) : write.resolve();
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const log = silentLogger();

describe("retrying-writer", () => {
  it("OrderedAppender - records of one key are appended in order, others beside them", async () => {
    const gate = new Gate();
    const appender = new OrderedAppender<string>(gate.write, log, {
      keyOf: (record) => record.split(":")[0] as string,
      concurrency: 4,
    });
    for (const record of ["a:1", "a:2", "b:1", "c:1", "b:2", "a:3"]) {
      appender.push(record);
    }
    assert.deepEqual(gate.started, ["a:1", "b:1", "c:1"]);
    while (gate.finished.length < 6) {
      await gate.release();
    }
    assert.deepEqual(
      gate.finished.filter((r) => r.startsWith("a:")),
      ["a:1", "a:2", "a:3"],
    );
    assert.deepEqual(
      gate.finished.filter((r) => r.startsWith("b:")),
      ["b:1", "b:2"],
    );
    assert.equal(await appender.flush(100), true);
  });

  it("OrderedAppender - without keys, one record at a time in order", async () => {
    const gate = new Gate();
    const appender = new OrderedAppender<string>(gate.write, log, {
      concurrency: 8,
    });
    for (const record of ["1", "2", "3"]) {
      appender.push(record);
    }
    while (gate.finished.length < 3) {
      await gate.release();
    }
    assert.deepEqual(gate.finished, ["1", "2", "3"]);
    assert.equal(gate.maxInFlight, 1);
  });

  it("OrderedAppender - a failed record is retried before later ones of its key", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const gate = new Gate();
    const appender = new OrderedAppender<string>(gate.write, log, {
      keyOf: (record) => record.split(":")[0] as string,
      concurrency: 2,
    });
    appender.push("a:1");
    appender.push("a:2");
    await gate.release(true);
    assert.deepEqual(gate.started, ["a:1"], "paused after the failure");
    t.mock.timers.tick(250);
    assert.deepEqual(gate.started, ["a:1", "a:1"]);
    while (gate.finished.length < 2) {
      await gate.release();
    }
    assert.deepEqual(gate.finished, ["a:1", "a:2"]);
  });

  it("OrderedAppender - past the limit the oldest record is dropped", async () => {
    const gate = new Gate();
    const appender = new OrderedAppender<string>(gate.write, log, {
      limit: 2,
    });
    for (const record of ["1", "2", "3", "4"]) {
      appender.push(record);
    }
    while (gate.started.length < 3) {
      await gate.release();
    }
    await gate.release();
    assert.deepEqual(gate.finished, ["1", "3", "4"]);
  });

  it("LatestValueWriter - the latest value per key wins, keys written side by side", async () => {
    const gate = new Gate();
    const writer = new LatestValueWriter<number>(
      (key, value) => gate.write(`${key}=${value}`),
      log,
      { concurrency: 2 },
    );
    writer.set("a", 1);
    writer.set("b", 1);
    writer.set("a", 2);
    writer.set("a", 3);
    writer.set("c", 1);
    assert.deepEqual(gate.started, ["a=1", "b=1"]);
    const flushed = writer.flush(1_000);
    while (gate.started.length < 4) {
      await gate.release();
    }
    await gate.release();
    assert.deepEqual(gate.finished, ["a=1", "b=1", "a=3", "c=1"]);
    assert.equal(await flushed, true);
  });

  it("LatestValueWriter - flush reports a deadline passed while writes fail", async () => {
    const gate = new Gate();
    const writer = new LatestValueWriter<number>(
      (key, value) => gate.write(`${key}=${value}`),
      log,
    );
    writer.set("a", 1);
    await gate.release(true);
    assert.equal(await writer.flush(20), false);
    writer.close();
  });

  it("writers - a concurrency that is no whole number is refused by name", () => {
    assert.throws(
      () => new LatestValueWriter(async () => {}, log, { concurrency: 0 }),
      (err: unknown) =>
        err instanceof NcmError &&
        /invalid concurrency 0: expected a whole number, 1 or more/.test(
          err.message,
        ),
    );
  });
});
