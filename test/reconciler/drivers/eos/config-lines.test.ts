import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configLines } from "../../../../reconciler/drivers/eos/config-lines.ts";

describe("configLines", () => {
  it("config lines - drops comments, blanks and end, keeps indentation and numbers", () => {
    const config = [
      "! Command: show running-config",
      "hostname leaf1",
      "!",
      "interface Ethernet1\r",
      "   description to spine1   ",
      "   !",
      "",
      "end",
    ].join("\n");
    assert.deepEqual(configLines(config), [
      { lineNumber: 2, text: "hostname leaf1" },
      { lineNumber: 4, text: "interface Ethernet1" },
      { lineNumber: 5, text: "   description to spine1" },
    ]);
  });

  it("config lines - an empty config sends nothing", () => {
    assert.deepEqual(configLines(""), []);
    assert.deepEqual(configLines("!\nend\n"), []);
  });
});
