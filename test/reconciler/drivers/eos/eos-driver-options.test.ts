import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NcmError } from "../../../../core/errors.ts";
import {
  type EosDriverOptions,
  resolveEosOptions,
} from "../../../../reconciler/drivers/eos/eos-driver-options.ts";

describe("resolveEosOptions", () => {
  it("eos driver options - defaults fill what is not given", () => {
    const options = resolveEosOptions({ commandTimeoutMs: 500 });
    assert.equal(options.commandTimeoutMs, 500);
    assert.equal(options.connectTimeoutMs, 10_000);
    assert.equal(options.keepaliveIntervalMs, 15_000);
    assert.equal(options.keepaliveCountMax, 3);
    assert.equal(options.pty, true);
    assert.equal(options.sessionKind, "minion");
  });

  const bad: { options: EosDriverOptions; name: string }[] = [
    { options: { commandTimeoutMs: 0 }, name: "commandTimeoutMs" },
    { options: { connectTimeoutMs: 1.5 }, name: "connectTimeoutMs" },
    { options: { keepaliveIntervalMs: -1 }, name: "keepaliveIntervalMs" },
    { options: { pipelineLines: Number.NaN }, name: "pipelineLines" },
    { options: { pty: "yes" as unknown as boolean }, name: "pty" },
    { options: { authOrder: [] }, name: "authOrder" },
    { options: { authOrder: ["password", "password"] }, name: "authOrder" },
    {
      options: { authOrder: ["telnet"] as unknown as ["password"] },
      name: "authOrder",
    },
    {
      options: { sessionKind: "preview" as unknown as "diff" },
      name: "sessionKind",
    },
  ];
  for (const c of bad) {
    it(`eos driver options - a bad ${c.name} is refused, naming it and the value`, () => {
      assert.throws(
        () => resolveEosOptions(c.options),
        (err: unknown) =>
          err instanceof NcmError &&
          err.category === "input" &&
          err.message.includes(c.name) &&
          err.message.includes("expected"),
      );
    });
  }
});
