import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  compareNatural,
  topLevelRank,
} from "../../../clab/sim/canonical-order.ts";
import { parseConfig } from "../../../clab/sim/parse-config.ts";
import { renderConfig } from "../../../clab/sim/render-config.ts";
import { leaf1Fixture } from "./avd-fixtures.ts";

/** Splits a config into its top-level blocks (a line and its children). */
function blocks(text: string): string[] {
  const body = text.split("\n").filter((line) => line !== "end");
  const out: string[] = [];
  for (const line of body) {
    if (/^\s/.test(line) && out.length > 0) {
      out[out.length - 1] += `\n${line}`;
    } else if (line !== "" && !line.startsWith("!")) {
      out.push(line);
    }
  }
  return out;
}

describe("canonical-order", () => {
  it("canonical-order - the rendering does not depend on the input order", () => {
    const original = blocks(leaf1Fixture());
    const reversed = [...original].reverse().join("\n");
    const rotated = [...original.slice(7), ...original.slice(0, 7)].join("\n");
    const expected = renderConfig(parseConfig(original.join("\n")).root);
    assert.equal(renderConfig(parseConfig(reversed).root), expected);
    assert.equal(renderConfig(parseConfig(rotated).root), expected);
  });

  it("canonical-order - interfaces sort naturally by type, then number", () => {
    const names = [
      "Vxlan1",
      "Ethernet10",
      "Port-Channel3",
      "Ethernet2",
      "Loopback0",
      "Ethernet1/2",
      "Management0",
      "Vlan4094",
      "Ethernet1/10",
      "Vlan10",
      "Ethernet1.100",
      "Ethernet1",
    ];
    assert.deepEqual(names.sort(compareNatural), [
      "Ethernet1",
      "Ethernet1.100",
      "Ethernet1/2",
      "Ethernet1/10",
      "Ethernet2",
      "Ethernet10",
      "Loopback0",
      "Management0",
      "Port-Channel3",
      "Vlan10",
      "Vlan4094",
      "Vxlan1",
    ]);
  });

  it("canonical-order - sections of one rank sort naturally (vlans by number)", () => {
    const text = [
      "route-map B permit 10",
      "route-map A permit 10",
      "vlan 100",
      "vlan 20",
    ].join("\n");
    const lines = renderConfig(parseConfig(text).root)
      .split("\n")
      .filter((line) => line !== "!" && line !== "end" && line !== "");
    assert.deepEqual(lines, [
      "vlan 20",
      "vlan 100",
      "route-map A permit 10",
      "route-map B permit 10",
    ]);
  });

  const before = [
    ["no aaa root", "hostname x"],
    ["username admin secret x", "hostname x"],
    ["hostname x", "ip name-server 1.1.1.1"],
    ["spanning-tree mode mstp", "vlan 10"],
    ["vlan internal order ascending range 1006 1199", "vlan 10"],
    ["vlan 10", "vrf instance A"],
    ["vrf instance A", "interface Ethernet1"],
    ["interface Ethernet1", "ip virtual-router mac-address 00:1c:73:00:dc:01"],
    ["ip routing", "ip prefix-list P"],
    ["no ip routing vrf A", "ip prefix-list P"],
    ["ip prefix-list P", "ip route 0.0.0.0/0 10.0.0.1"],
    ["ip route 0.0.0.0/0 10.0.0.1", "route-map R permit 10"],
    ["route-map R permit 10", "router bfd"],
    ["router bfd", "router bgp 1"],
    ["router bgp 1", "management api http-commands"],
  ] as const;
  for (const [first, second] of before) {
    it(`canonical-order - ${first} prints before ${second}`, () => {
      assert.ok(topLevelRank(first) < topLevelRank(second));
    });
  }

  it("canonical-order - sections and groups are separated by ! as EOS does", () => {
    const text =
      "ip name-server 1.1.1.1\nhostname x\ninterface Ethernet1\n   mtu 9000\nip routing\n";
    assert.equal(
      renderConfig(parseConfig(text).root),
      [
        "!",
        "hostname x",
        "ip name-server 1.1.1.1",
        "!",
        "interface Ethernet1",
        "   mtu 9000",
        "!",
        "ip routing",
        "!",
        "end",
        "",
      ].join("\n"),
    );
  });
});
