import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  endsSession,
  mayLeaveSession,
} from "../../../../reconciler/drivers/eos/session-lines.ts";

describe("session lines", () => {
  const cases = [
    { text: "exit", leaves: true, ends: false },
    { text: "   exit", leaves: true, ends: false },
    { text: "ex", leaves: true, ends: false },
    { text: "end", leaves: true, ends: false },
    { text: "commit", leaves: true, ends: true },
    { text: "Commit timer 00:05:00", leaves: true, ends: true },
    { text: "   abort", leaves: true, ends: true },
    { text: "abo", leaves: true, ends: true },
    { text: "co", leaves: true, ends: false },
    { text: "comment", leaves: false, ends: false },
    { text: "e", leaves: false, ends: false },
    { text: "errdisable recovery interval 30", leaves: false, ends: false },
    { text: "   description exit", leaves: false, ends: false },
    { text: "hostname commit", leaves: false, ends: false },
    { text: "", leaves: false, ends: false },
  ];
  for (const c of cases) {
    it(`session lines - ${JSON.stringify(c.text)} leaves: ${c.leaves}, ends: ${c.ends}`, () => {
      assert.equal(mayLeaveSession(c.text), c.leaves);
      assert.equal(endsSession(c.text), c.ends);
    });
  }
});
