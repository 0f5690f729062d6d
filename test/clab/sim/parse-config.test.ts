import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { countLines, treesEqual } from "../../../clab/sim/config-tree.ts";
import {
  parseConfig,
  parseConfigStrict,
} from "../../../clab/sim/parse-config.ts";
import { renderConfig } from "../../../clab/sim/render-config.ts";
import { sessionDiff } from "../../../clab/sim/session-diff.ts";
import { NcmError } from "../../../core/errors.ts";
import { AVD_DIR, avdFixtures, leaf1Fixture } from "./avd-fixtures.ts";

const missing = existsSync(AVD_DIR) ? false : `no AVD fixtures at ${AVD_DIR}`;

/** Distinct top-level lines of a config file, as EOS would keep them. */
function topLevelLines(text: string): Set<string> {
  const lines = text.split("\n").map((line) => line.trimEnd());
  return new Set(
    lines.filter((line) => /^[^\s!]/.test(line) && line !== "end"),
  );
}

describe("parse-config", () => {
  it("parse-config - a rendered config parses back to the same tree and text", () => {
    const { root, errors } = parseConfig(leaf1Fixture());
    assert.deepEqual(errors, []);
    const text = renderConfig(root);
    const again = parseConfig(text).root;
    assert.ok(treesEqual(again, root));
    assert.equal(renderConfig(again), text);
  });

  it("parse-config - comments, blank lines and everything after end are dropped", () => {
    const { root } = parseConfig(
      "! a comment\n\nhostname a\n   ! indented comment\nend\nhostname b\n",
    );
    assert.deepEqual(root.children, [{ line: "hostname a", children: [] }]);
  });

  it("parse-config - deeper indentation of any width nests under the line above", () => {
    const { root } = parseConfig(
      "router bgp 1\n  neighbor x peer group\n  address-family evpn\n        neighbor x activate\nip routing\n",
    );
    assert.equal(root.children.length, 2);
    const bgp = root.children[0]!;
    assert.equal(bgp.children[1]?.line, "address-family evpn");
    assert.equal(bgp.children[1]?.children[0]?.line, "neighbor x activate");
  });

  const refused = [
    { text: "bogus", message: "% Invalid input (at token 0: 'bogus')" },
    { text: "no bogus 1", message: "% Invalid input (at token 1: 'bogus')" },
    { text: "interface", message: "% Incomplete command" },
    {
      text: "interface Ethernet1\n   bogus 1",
      message: "% Invalid input (at token 0: 'bogus')",
    },
  ];
  for (const { text, message } of refused) {
    it(`parse-config - ${JSON.stringify(text)} is refused with EOS's error`, () => {
      const { errors } = parseConfig(text);
      assert.equal(errors.length, 1);
      assert.equal(errors[0]?.message, message);
    });
  }

  it("parse-config - a refused line is skipped and the rest still applies", () => {
    const { root, errors } = parseConfig("hostname a\nbogus\nip routing\n");
    assert.equal(errors[0]?.lineNumber, 2);
    assert.deepEqual(
      root.children.map((node) => node.line),
      ["hostname a", "ip routing"],
    );
  });

  it("parse-config - strict parsing throws a rejected-config NcmError", () => {
    assert.throws(
      () => parseConfigStrict("hostname a\nbogus\n"),
      (err: unknown) =>
        err instanceof NcmError &&
        err.category === "rejected-config" &&
        err.details.lineNumber === 2,
    );
  });
});

describe("parse-config of the AVD fixtures", { skip: missing }, () => {
  const fixtures = missing === false ? avdFixtures() : [];

  it("parse-config - all AVD fixtures are found", () => {
    assert.ok(fixtures.length >= 65, `found ${fixtures.length}`);
  });

  it("parse-config - every AVD fixture loads without a refused line", () => {
    for (const { name, text } of fixtures) {
      const { errors } = parseConfig(text);
      assert.deepEqual(errors, [], name);
    }
  });

  it("parse-config - every AVD fixture keeps its top-level sections and lines", () => {
    for (const { name, text } of fixtures) {
      const { root } = parseConfig(text);
      const expected = topLevelLines(text);
      assert.deepEqual(
        new Set(root.children.map((node) => node.line)),
        expected,
        name,
      );
      const lines = text.split("\n").filter((l) => /^\s*[^\s!]/.test(l));
      // Every non-comment line but `end` is kept (AVD has no duplicates).
      assert.equal(countLines(root), lines.length - 1, name);
    }
  });

  it("parse-config - every AVD fixture has no semantic diff with itself", () => {
    for (const { name, text } of fixtures) {
      const running = parseConfig(text).root;
      const session = parseConfig(renderConfig(running)).root;
      assert.equal(sessionDiff(running, session, "s"), "", name);
    }
  });

  it("parse-config - the device's rendering differs byte-wise from AVD's file", () => {
    const text = leaf1Fixture();
    const rendered = renderConfig(parseConfig(text).root);
    assert.notEqual(rendered, text);
    // AVD prints management api before the interfaces, EOS near the end.
    const avd = text.indexOf("management api http-commands");
    const device = rendered.indexOf("management api http-commands");
    assert.ok(avd < text.indexOf("interface Ethernet1"));
    assert.ok(device > rendered.indexOf("router bgp 65101"));
    const differing = fixtures.filter(
      ({ text }) => renderConfig(parseConfig(text).root) !== text,
    );
    assert.ok(differing.length > 0);
  });
});
