import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../../clab/sim/parse-config.ts";
import { sessionDiff } from "../../../clab/sim/session-diff.ts";
import { leaf1Fixture } from "./avd-fixtures.ts";

const tree = (text: string) => parseConfig(text).root;

describe("session-diff", () => {
  it("session-diff - equal configs give empty output", () => {
    const text = leaf1Fixture();
    assert.equal(sessionDiff(tree(text), tree(text), "s1"), "");
  });

  it("session-diff - reordering alone gives no diff, at any level", () => {
    const running = tree(
      "hostname a\ninterface Ethernet1\n   mtu 9000\n   description x\nip routing\n",
    );
    const session = tree(
      "ip routing\ninterface Ethernet1\n   description x\n   mtu 9000\nhostname a\n",
    );
    assert.equal(sessionDiff(running, session, "s1"), "");
  });

  it("session-diff - a change gives EOS's headers and the -/+ lines", () => {
    const text = leaf1Fixture();
    const changed = text
      .replace("description ROUTER_ID", "description LOOPBACK")
      .replace("ip route 0.0.0.0/0 172.20.20.1\n", "");
    const diff = sessionDiff(tree(text), tree(changed), "ncm-7");
    const lines = diff.split("\n");
    assert.equal(lines[0], "--- system:/running-config");
    assert.equal(lines[1], "+++ session:/ncm-7-session-config");
    assert.match(lines[2] ?? "", /^@@ -\d+,\d+ \+\d+,\d+ @@$/);
    const changes = lines.filter((l) => /^[-+][^-+]/.test(l));
    assert.deepEqual(changes, [
      "-   description ROUTER_ID",
      "+   description LOOPBACK",
      "-ip route 0.0.0.0/0 172.20.20.1",
      "-!",
    ]);
  });

  it("session-diff - an added section shows its lines as +", () => {
    const diff = sessionDiff(
      tree("hostname a\n"),
      tree("hostname a\nvlan 10\n   name ten\n"),
      "s",
    );
    const added = diff.split("\n").filter((l) => /^\+[^+]/.test(l));
    assert.deepEqual(added, ["+vlan 10", "+   name ten", "+!"]);
  });
});
