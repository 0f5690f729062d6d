import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  deviceOfFile,
  isConfigFileName,
} from "../../watcher/config-file-name.ts";

const CASES: [string, boolean][] = [
  ["leaf1.cfg", true],
  ["DC1-LEAF2A.cfg", true],
  ["leaf.1.cfg", true], // taken, then refused for its device name
  [".leaf1.cfg", false],
  [".leaf1.cfg.swp", false],
  [".leaf1.cfg.swx", false],
  [".#leaf1.cfg", false],
  ["#leaf1.cfg#", false],
  ["~leaf1.cfg", false],
  ["leaf1.cfg~", false],
  ["leaf1.cfg.bak", false],
  ["leaf1.cfg.tmp", false],
  ["4913", false],
  ["leaf1.conf", false],
  [".cfg", false],
  ["leaf1.CFG", false],
];

describe("config file names", () => {
  for (const [name, expected] of CASES) {
    it(`config-file-name - ${JSON.stringify(name)} is ${expected ? "a config" : "ignored"}`, () => {
      assert.equal(isConfigFileName(name), expected);
    });
  }

  it("config-file-name - the device is the name without .cfg", () => {
    assert.equal(deviceOfFile("leaf1.cfg"), "leaf1");
    assert.equal(deviceOfFile("a.b.cfg"), "a.b");
  });
});
