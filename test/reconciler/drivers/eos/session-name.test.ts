import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DIFF_SESSION_MAX_AGE_MS,
  isLeftoverSession,
  newSessionName,
} from "../../../../reconciler/drivers/eos/session-name.ts";

const NOW = Date.UTC(2026, 11, 3, 18, 0, 0);
const MINUTE = 60 * 1000;

describe("session names", () => {
  it("session name - minion and diff sessions carry their kind and time", () => {
    assert.match(newSessionName("minion", NOW), /^ncm-[0-9a-z]+-[0-9a-f]{6}$/);
    assert.match(newSessionName(), /^ncm-[0-9a-z]+-[0-9a-f]{6}$/);
    const diff = newSessionName("diff", NOW);
    assert.match(diff, /^ncm-diff-[0-9a-z]+-[0-9a-f]{6}$/);
    assert.equal(diff.split("-")[2], NOW.toString(36));
  });

  const cases = [
    {
      what: "a minion session",
      name: newSessionName("minion", NOW),
      left: true,
    },
    { what: "a session someone named", name: "manual", left: false },
    {
      what: "a diff opened a minute ago",
      name: newSessionName("diff", NOW - MINUTE),
      left: false,
    },
    {
      what: "a diff at the age bound",
      name: newSessionName("diff", NOW - DIFF_SESSION_MAX_AGE_MS),
      left: false,
    },
    {
      what: "a diff past the age bound",
      name: newSessionName("diff", NOW - DIFF_SESSION_MAX_AGE_MS - 1),
      left: true,
    },
    {
      what: "a diff from a clock far ahead",
      name: newSessionName("diff", NOW + 2 * DIFF_SESSION_MAX_AGE_MS),
      left: true,
    },
    {
      what: "a diff name without a time",
      name: "ncm-diff-by-hand",
      left: true,
    },
  ];
  for (const c of cases) {
    it(`session name - ${c.what} ${c.left ? "is" : "is not"} a leftover`, () => {
      assert.equal(isLeftoverSession(c.name, NOW), c.left);
    });
  }
});
