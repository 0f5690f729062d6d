import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NcmError } from "../../../../core/errors.ts";
import {
  applyRejection,
  applyReverted,
  commandTimeout,
  recodedForFrr,
  rejectedConfig,
  syntaxRejection,
} from "../../../../reconciler/drivers/frr/frr-errors.ts";

const CONFIG = [
  "hostname r1",
  "!",
  "router bgp 65001",
  " neighbor 198.19.0.1 remote-as 65002",
  " bogus line",
  " neighbor 198.19.0.9 description nobody",
  "exit",
].join("\n");

describe("frr errors", () => {
  it("syntaxRejection - names the line of our file that vtysh refused", () => {
    // frr-reload.py logs vtysh's stderr as a Python bytes literal.
    const stderr =
      "2026-12-03 19:24:35,708   ERROR: vtysh failed to process new " +
      "configuration: vtysh (mark file) exited with status 2:\n" +
      "b'line 5: % Unknown command:  bogus line\\n\\n'\n";
    assert.deepEqual(syntaxRejection(CONFIG, stderr), {
      lineNumber: 5,
      text: " bogus line",
      deviceMessage: "% Unknown command: bogus line",
    });
  });

  it("syntaxRejection - other failures are not syntax errors", () => {
    assert.equal(
      syntaxRejection(CONFIG, "Traceback (most recent call last)"),
      null,
    );
  });

  it("applyRejection - finds the refused line by its text and the daemon's reason", () => {
    const rejected = applyRejection(CONFIG, {
      code: 1,
      stdout: "% Specify remote-as or peer-group commands first\n",
      stderr:
        "line 2: Failure to communicate[13] to bgpd, line:  " +
        "neighbor 198.19.0.9 description nobody\n\n",
    });
    assert.deepEqual(rejected, {
      lineNumber: 6,
      text: " neighbor 198.19.0.9 description nobody",
      deviceMessage: "% Specify remote-as or peer-group commands first",
    });
    const error = rejectedConfig("r1", rejected!);
    assert.equal(error.category, "rejected-config");
    assert.equal(error.code, "FRR_REJECTED_LINE");
    assert.match(
      error.message,
      /^r1 rejected line 6 "neighbor 198\.19\.0\.9 description nobody": % Specify/,
    );
  });

  it("recodedForFrr - the shared SSH errors keep their category under an FRR code", () => {
    const shared = new NcmError("authentication", "EOS_AUTH_FAILED", "denied");
    const recoded = recodedForFrr(shared);
    assert.equal(recoded.code, "FRR_AUTH_FAILED");
    assert.equal(recoded.category, "authentication");
    assert.equal(recoded.retryable, false);
  });

  const reverts = [
    {
      reason: "reload-failed",
      cause: undefined,
      category: "rejected-config",
      retryable: false,
    },
    {
      reason: "not-converged",
      cause: undefined,
      category: "rejected-config",
      retryable: false,
    },
    {
      reason: "bgp-check-failed",
      cause: undefined,
      category: "guard",
      retryable: false,
    },
    {
      reason: "read-back-failed",
      cause: commandTimeout("r1", "frr-reload.py --test", 5000),
      category: "timeout",
      retryable: true,
    },
    {
      reason: "read-back-failed",
      cause: new Error("gone"),
      category: "protocol",
      retryable: true,
    },
  ] as const;
  for (const r of reverts) {
    it(`applyReverted - ${r.reason} caused by ${r.cause?.name ?? "nothing"} is ${r.category}`, () => {
      const error = applyReverted("r1", r.reason, "why", r.cause);
      assert.equal(error.code, "FRR_APPLY_REVERTED");
      assert.equal(error.category, r.category);
      assert.equal(error.retryable, r.retryable);
      assert.deepEqual(error.details, { device: "r1", reason: r.reason });
    });
  }
});
