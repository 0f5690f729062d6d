import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSessionTable } from "../../../../reconciler/drivers/eos/session-table.ts";

describe("parseSessionTable", () => {
  it("session table - reads names, states and the current marker", () => {
    const text = [
      "Maximum number of completed sessions: 1",
      "Maximum number of pending sessions: 5",
      "",
      "   Name               State                User    Terminal",
      "   ------------------ -------------------- ------- --------",
      " * ncm-lq2x-0a1b2c    pending              admin   vty5",
      "   ncm-lq2w-ffeedd    pending-commit-timer admin",
      "   manual             completed",
      "   old                aborted              bob     vty3",
      "   odd                pendingCommitTimer",
      "",
    ].join("\n");
    assert.deepEqual(parseSessionTable(text), [
      { name: "ncm-lq2x-0a1b2c", state: "pending", current: true },
      {
        name: "ncm-lq2w-ffeedd",
        state: "pending-commit-timer",
        current: false,
      },
      { name: "manual", state: "completed", current: false },
      { name: "old", state: "aborted", current: false },
      { name: "odd", state: "pending-commit-timer", current: false },
    ]);
  });

  it("session table - no sessions gives no rows", () => {
    const text =
      "Maximum number of pending sessions: 5\n\n  Name State User Terminal\n  ---- ----- ---- --------\n";
    assert.deepEqual(parseSessionTable(text), []);
    assert.deepEqual(parseSessionTable(""), []);
  });
});
