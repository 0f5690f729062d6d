import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { formatAddress } from "../../../clab/lab/ipv4.ts";
import { loadTopology, parseTopology } from "../../../clab/lab/topology.ts";
import { NcmError } from "../../../core/errors.ts";

const FRR3 = fileURLToPath(
  new URL("../../../clab/topologies/frr3/topo.yml", import.meta.url),
);

/** A links list of one link, in YAML flow style. */
function link(a: string, b: string): string {
  return `links: [ { endpoints: ["${a}", "${b}"] } ]`;
}

describe("lab topology", () => {
  it("loadTopology - the shipped three-router topology is valid", async () => {
    const topology = await loadTopology(FRR3);
    assert.equal(topology.name, "frr3");
    assert.deepEqual(
      topology.nodes.map((n) => [n.name, n.daemons]),
      [
        ["r1", ["bgpd"]],
        ["r2", ["bgpd"]],
        ["r3", ["bgpd"]],
      ],
    );
    assert.deepEqual(topology.links[0], {
      a: { node: "r1", iface: "eth1" },
      b: { node: "r2", iface: "eth1" },
    });
  });

  it("parseTopology - node settings from containerlab are read", () => {
    const topology = parseTopology(
      [
        "name: lab1",
        "mgmt: { ipv4-subnet: 198.19.7.0/28 }",
        "topology:",
        "  nodes:",
        "    a: { kind: linux, image: frrouting/frr, mgmt-ipv4: 198.19.7.9,",
        "         startup-config: a.conf, daemons: [bgpd, ospfd] }",
      ].join("\n"),
      "/labs/lab1.yml",
    );
    const [a] = topology.nodes;
    assert.equal(formatAddress(a!.mgmtAddress!), "198.19.7.9");
    assert.equal(a!.startupConfig, "/labs/a.conf");
    assert.deepEqual(a!.daemons, ["bgpd", "ospfd"]);
    assert.deepEqual(topology.links, []);
  });

  // containerlab has no frr kind: its users put an FRR image on a linux
  // node, directly or through a group, the linux kind or the defaults.
  const frrNodes = [
    {
      how: "an FRR image on the node",
      topology: "nodes: { r1: { kind: linux, image: frrouting/frr:v8.4.1 } }",
    },
    {
      how: "the linux kind's image",
      topology:
        "kinds: { linux: { image: quay.io/frrouting/frr:10.2.1 } }, nodes: { r1: { kind: linux } }",
    },
    {
      how: "a group's kind and image",
      topology:
        "groups: { rtr: { kind: linux, image: frrouting/frr } }, nodes: { r1: { group: rtr } }",
    },
    {
      how: "the defaults' kind and image",
      topology:
        "defaults: { kind: linux, image: frrouting/frr }, nodes: { r1: {} }",
    },
    { how: "ncm's own kind frr", topology: "nodes: { r1: { kind: frr } }" },
    { how: "no kind at all", topology: "nodes: { r1: {} }" },
  ];
  for (const c of frrNodes) {
    it(`parseTopology - takes a node as an FRR router from ${c.how}`, () => {
      const topology = parseTopology(
        `name: x\ntopology: { ${c.topology} }`,
        "/labs/t.yml",
      );
      assert.deepEqual(
        topology.nodes.map((n) => n.name),
        ["r1"],
      );
    });
  }

  const bad: { name: string; text: string; message: RegExp }[] = [
    {
      name: "a subnet outside the lab range",
      text: "name: x\nmgmt: { ipv4-subnet: 10.0.0.0/24 }\ntopology: { nodes: { a: {} } }",
      message:
        /invalid mgmt.ipv4-subnet "10.0.0.0\/24"; expected a subnet of 198.18.0.0\/15/,
    },
    {
      name: "a subnet with host bits",
      text: "name: x\nmgmt: { ipv4-subnet: 198.18.0.1/24 }\ntopology: { nodes: { a: {} } }",
      message: /invalid mgmt.ipv4-subnet "198.18.0.1\/24"/,
    },
    {
      name: "a lab name that cannot name a user",
      text: "name: Lab_1\ntopology: { nodes: { a: {} } }",
      message: /invalid name "Lab_1"; expected 1 to 20 lower-case letters/,
    },
    {
      name: "a kind that is not FRR",
      text: "name: x\ntopology: { nodes: { a: { kind: ceos } } }",
      message:
        /node a: kind "ceos" cannot run here; expected kind linux with an FRR image such as quay\.io\/frrouting\/frr:/,
    },
    {
      name: "a linux node of another image",
      text: "name: x\ntopology: { nodes: { a: { kind: linux, image: alpine:3 } } }",
      message:
        /node a: kind linux with image "alpine:3" is no FRR router; expected kind linux with an FRR image/,
    },
    {
      name: "a linux node with no image",
      text: "name: x\ntopology: { nodes: { a: { kind: linux } } }",
      message: /node a: kind linux with no image is no FRR router/,
    },
    {
      name: "a group that makes a node ceos",
      text:
        "name: x\ntopology: { groups: { sw: { kind: arista_ceos } }, " +
        "nodes: { a: { group: sw } } }",
      message: /node a: kind "arista_ceos" cannot run here/,
    },
    {
      name: "an unknown node key",
      text: "name: x\ntopology: { nodes: { a: { binds: [] } } }",
      message: /node a: unknown key "binds"; expected one of kind, image/,
    },
    {
      name: "a link to an unknown node",
      text: `name: x\ntopology: { nodes: { a: {} }, ${link("a:eth1", "b:eth1")} }`,
      message: /link 1: expected endpoints/,
    },
    {
      name: "a link on the management interface",
      text: `name: x\ntopology: { nodes: { a: {}, b: {} }, ${link("a:eth0", "b:eth1")} }`,
      message: /other than eth0 and lo/,
    },
    {
      name: "an interface used twice",
      text:
        "name: x\ntopology: { nodes: { a: {}, b: {}, c: {} }, links: [ " +
        '{ endpoints: ["a:eth1", "b:eth1"] }, { endpoints: ["a:eth1", "c:eth1"] } ] }',
      message: /link 2: a:eth1 is already used by a link/,
    },
    {
      name: "a management address outside the subnet",
      text: "name: x\ntopology: { nodes: { a: { mgmt-ipv4: 198.18.1.5 } } }",
      message:
        /node a: invalid mgmt-ipv4 "198.18.1.5"; expected a host address in 198.18.0.0\/24/,
    },
    {
      name: "a management address given twice",
      text:
        "name: x\ntopology: { nodes: { a: { mgmt-ipv4: 198.18.0.5 }, " +
        "b: { mgmt-ipv4: 198.18.0.5 } } }",
      message:
        /node b: mgmt-ipv4 198.18.0.5 is taken by another node or the host/,
    },
    {
      name: "the host's own management address",
      text: "name: x\ntopology: { nodes: { a: { mgmt-ipv4: 198.18.0.1 } } }",
      message: /node a: mgmt-ipv4 198.18.0.1 is taken/,
    },
    {
      name: "an unknown daemon",
      text: "name: x\ntopology: { nodes: { a: { daemons: [sshd] } } }",
      message: /node a: invalid daemons \["sshd"\]/,
    },
    {
      name: "no nodes",
      text: "name: x\ntopology: { nodes: {} }",
      message: /no nodes/,
    },
  ];
  for (const c of bad) {
    it(`parseTopology - refuses ${c.name}`, () => {
      assert.throws(
        () => parseTopology(c.text, "/labs/t.yml"),
        (err: unknown) =>
          err instanceof NcmError &&
          err.code === "LAB_TOPOLOGY_INVALID" &&
          err.message.startsWith("/labs/t.yml: ") &&
          c.message.test(err.message),
      );
    });
  }
});
