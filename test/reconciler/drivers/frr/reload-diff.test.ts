import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  parseReloadTest,
  renderReloadDiff,
} from "../../../../reconciler/drivers/frr/reload-diff.ts";

/** What frr-reload.py 8.4 --test printed for a fresh router. */
const FIRST_APPLY = `
Lines To Delete
===============
ip forwarding
ipv6 forwarding

Lines To Add
============
router bgp 65001
router bgp 65001
 bgp router-id 198.19.255.1
router bgp 65001
 neighbor 198.19.0.1 remote-as 65002
router bgp 65001
 address-family ipv4 unicast
router bgp 65001
 address-family ipv4 unicast
  network 198.19.255.1/32
`;

/** A description changed by hand, seen against the intended config. */
const DRIFT = `
Lines To Delete
===============
router bgp 65001
 no neighbor 198.19.0.1 description drifted

Lines To Add
============
router bgp 65001
 neighbor 198.19.0.1 description r2
`;

describe("frr reload diff", () => {
  it("parseReloadTest - deletes are turned back into the running line", () => {
    const changes = parseReloadTest(FIRST_APPLY);
    assert.deepEqual(changes.slice(0, 2), [
      { kind: "delete", context: [], line: "no ip forwarding" },
      { kind: "delete", context: [], line: "no ipv6 forwarding" },
    ]);
    assert.deepEqual(changes.at(-1), {
      kind: "add",
      context: ["router bgp 65001", "address-family ipv4 unicast"],
      line: "network 198.19.255.1/32",
    });
    assert.equal(changes.length, 7);
  });

  it("parseReloadTest - nothing to do is no change at all", () => {
    assert.deepEqual(parseReloadTest(""), []);
    assert.deepEqual(parseReloadTest("\n"), []);
  });

  it("renderReloadDiff - a context is shown once for the lines under it", () => {
    assert.equal(
      renderReloadDiff(parseReloadTest(FIRST_APPLY)),
      [
        "-no ip forwarding",
        "-no ipv6 forwarding",
        "+router bgp 65001",
        "+ bgp router-id 198.19.255.1",
        "+ neighbor 198.19.0.1 remote-as 65002",
        "+ address-family ipv4 unicast",
        "+  network 198.19.255.1/32",
        "",
      ].join("\n"),
    );
  });

  it("renderReloadDiff - a changed line reads as - old, + new under its context", () => {
    assert.equal(
      renderReloadDiff(parseReloadTest(DRIFT)),
      [
        " router bgp 65001",
        "- neighbor 198.19.0.1 description drifted",
        "+ neighbor 198.19.0.1 description r2",
        "",
      ].join("\n"),
    );
  });

  it("renderReloadDiff - no changes render as empty text", () => {
    assert.equal(renderReloadDiff([]), "");
  });
});
