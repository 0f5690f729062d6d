import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LatestWins } from "../../watcher/latest-wins.ts";

/** A job that stays running until the test lets it finish. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe("latest wins", () => {
  it("latest-wins - a burst while a key runs coalesces into one more run", async () => {
    const first = gate();
    const runs: number[] = [];
    let state = 0;
    const jobs = new LatestWins<number>(async () => {
      const seen = state;
      runs.push(seen);
      if (runs.length === 1) {
        await first.opened;
      }
      return seen;
    }, 2);
    const a = jobs.schedule("k");
    await new Promise((resolve) => setImmediate(resolve));
    state = 1;
    const burst = [jobs.schedule("k"), jobs.schedule("k")];
    state = 2;
    burst.push(jobs.schedule("k"));
    first.open();
    assert.equal(await a, 0);
    assert.deepEqual(await Promise.all(burst), [2, 2, 2]);
    assert.deepEqual(runs, [0, 2]);
    await jobs.idle();
  });

  it("latest-wins - one key never runs twice at once, other keys run in parallel", async () => {
    let running = new Map<string, number>();
    let most = 0;
    let parallel = 0;
    const jobs = new LatestWins<void>(async (key) => {
      running.set(key, (running.get(key) ?? 0) + 1);
      most = Math.max(most, running.get(key) ?? 0);
      parallel = Math.max(parallel, running.size);
      await new Promise((resolve) => setImmediate(resolve));
      const left = (running.get(key) ?? 1) - 1;
      running = new Map(running);
      if (left === 0) running.delete(key);
      else running.set(key, left);
    }, 3);
    const all = [];
    for (let i = 0; i < 20; i++) {
      all.push(jobs.schedule(`k${i % 5}`));
    }
    await Promise.all(all);
    await jobs.idle();
    assert.equal(most, 1);
    assert.equal(parallel, 3);
  });

  it("latest-wins - a failing run rejects its callers only", async () => {
    const jobs = new LatestWins<string>(async (key) => {
      if (key === "bad") throw new Error("boom");
      return key;
    }, 1);
    await assert.rejects(jobs.schedule("bad"), /boom/);
    assert.equal(await jobs.schedule("good"), "good");
  });
});
