import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NcmError } from "../../../../core/errors.ts";
import { commitTimerArgument } from "../../../../reconciler/drivers/eos/commit-timer.ts";

describe("commitTimerArgument", () => {
  const cases = [
    { seconds: 1, text: "00:00:01" },
    { seconds: 90, text: "00:01:30" },
    { seconds: 3661, text: "01:01:01" },
    { seconds: 86399, text: "23:59:59" },
  ];
  for (const c of cases) {
    it(`commit timer - ${c.seconds} s is ${c.text}`, () => {
      assert.equal(commitTimerArgument(c.seconds), c.text);
    });
  }

  for (const bad of [0, -1, 1.5, 86400, Number.NaN]) {
    it(`commit timer - ${bad} is refused as input`, () => {
      assert.throws(
        () => commitTimerArgument(bad),
        (err: unknown) =>
          err instanceof NcmError &&
          err.category === "input" &&
          err.message.includes(String(bad)),
      );
    });
  }
});
