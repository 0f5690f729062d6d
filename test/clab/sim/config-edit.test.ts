import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  applyConfigText,
  parseConfig,
} from "../../../clab/sim/parse-config.ts";
import { renderConfig } from "../../../clab/sim/render-config.ts";

/** The body lines of `config` after typing `change` at configure mode. */
function after(config: string, change: string): string[] {
  const { root } = parseConfig(config);
  assert.deepEqual(applyConfigText(root, change), []);
  return renderConfig(root)
    .split("\n")
    .filter((line) => line !== "!" && line !== "end" && line !== "");
}

const IF = "interface Ethernet1\n";

const cases: Array<{
  name: string;
  config: string;
  change: string;
  expected: string[];
}> = [
  {
    name: "no X removes X and lines that begin with X",
    config: `${IF}   description uplink\n   mtu 9000\n`,
    change: `${IF}   no description\n`,
    expected: ["interface Ethernet1", "   mtu 9000"],
  },
  {
    name: "no X with nothing to remove is kept as a line",
    config: IF,
    change: `${IF}   no shutdown\n`,
    expected: ["interface Ethernet1", "   no shutdown"],
  },
  {
    name: "X replaces a sibling no X in place",
    config: `${IF}   no shutdown\n   mtu 9000\n`,
    change: `${IF}   shutdown\n`,
    expected: ["interface Ethernet1", "   shutdown", "   mtu 9000"],
  },
  {
    name: "no X removes X",
    config: `${IF}   shutdown\n`,
    change: `${IF}   no shutdown\n`,
    expected: ["interface Ethernet1"],
  },
  {
    name: "removing a section removes its children",
    config: `${IF}   mtu 9000\nip routing\n`,
    change: "no interface Ethernet1\n",
    expected: ["ip routing"],
  },
  {
    name: "no with a prefix removes the whole section",
    config: "router bgp 65101\n   router-id 1.1.1.1\n",
    change: "no router bgp\n",
    expected: [],
  },
  {
    name: "an identical line is not repeated",
    config: `${IF}   mtu 9000\nip routing\n`,
    change: `ip routing\n${IF}   mtu 9000\n`,
    expected: ["interface Ethernet1", "   mtu 9000", "ip routing"],
  },
  {
    name: "entering an existing section merges into it",
    config: `${IF}   mtu 9000\n`,
    change: `${IF}   description x\n`,
    expected: ["interface Ethernet1", "   mtu 9000", "   description x"],
  },
  {
    name: "hostname replaces the previous hostname",
    config: "hostname a\n",
    change: "hostname b\n",
    expected: ["hostname b"],
  },
  {
    name: "description, mtu and ip address replace in place",
    config: `${IF}   description a\n   mtu 1500\n   ip address 10.0.0.1/31\n`,
    change: `${IF}   ip address 10.0.0.3/31\n   mtu 9000\n   description b\n`,
    expected: [
      "interface Ethernet1",
      "   description b",
      "   mtu 9000",
      "   ip address 10.0.0.3/31",
    ],
  },
  {
    name: "secondary and virtual addresses accumulate",
    config: `${IF}   ip address 10.0.0.1/24\n`,
    change: `${IF}   ip address 10.1.0.1/24 secondary\n   ip address virtual 10.0.0.254/24\n`,
    expected: [
      "interface Ethernet1",
      "   ip address 10.0.0.1/24",
      "   ip address 10.1.0.1/24 secondary",
      "   ip address virtual 10.0.0.254/24",
    ],
  },
  {
    name: "switchport mode and access vlan replace, other switchport lines add",
    config: `${IF}   switchport mode access\n   switchport access vlan 10\n`,
    change: `${IF}   switchport mode trunk\n   switchport access vlan 20\n   switchport trunk allowed vlan 10\n`,
    expected: [
      "interface Ethernet1",
      "   switchport mode trunk",
      "   switchport access vlan 20",
      "   switchport trunk allowed vlan 10",
    ],
  },
  {
    name: "vlan name, router-id and vxlan settings replace",
    config:
      "vlan 10\n   name A\ninterface Vxlan1\n   vxlan source-interface Loopback0\n   vxlan udp-port 4789\nrouter bgp 1\n   router-id 1.1.1.1\n",
    change:
      "vlan 10\n   name B\ninterface Vxlan1\n   vxlan source-interface Loopback1\n   vxlan udp-port 4790\nrouter bgp 1\n   router-id 2.2.2.2\n",
    expected: [
      "vlan 10",
      "   name B",
      "interface Vxlan1",
      "   vxlan source-interface Loopback1",
      "   vxlan udp-port 4790",
      "router bgp 1",
      "   router-id 2.2.2.2",
    ],
  },
  {
    name: "spanning-tree mode replaces, other spanning-tree lines add",
    config: "spanning-tree mode mstp\nspanning-tree mst 0 priority 4096\n",
    change: "spanning-tree mode rapid-pvst\n",
    expected: [
      "spanning-tree mode rapid-pvst",
      "spanning-tree mst 0 priority 4096",
    ],
  },
  {
    name: "top-level ip address lines are not single-valued",
    config: "ip address virtual source-nat vrf A address 10.0.0.1\n",
    change: "ip address virtual source-nat vrf B address 10.0.0.2\n",
    expected: [
      "ip address virtual source-nat vrf A address 10.0.0.1",
      "ip address virtual source-nat vrf B address 10.0.0.2",
    ],
  },
  {
    name: "abbreviated interface names are spelled out",
    config: IF,
    change: "interface et1\n   mtu 9000\ninterface Po10\n",
    expected: [
      "interface Ethernet1",
      "   mtu 9000",
      "interface Port-Channel10",
    ],
  },
];

describe("config-edit", () => {
  for (const { name, config, change, expected } of cases) {
    it(`config-edit - ${name}`, () => {
      assert.deepEqual(after(config, change), expected);
    });
  }
});
