import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planLab } from "../../../clab/lab/lab-plan.ts";
import { parseTopology } from "../../../clab/lab/topology.ts";
import { NcmError } from "../../../core/errors.ts";

function topology(nodes: string, subnet = "198.18.0.0/24") {
  return parseTopology(
    `name: lab1\nmgmt: { ipv4-subnet: ${subnet} }\ntopology:\n  nodes: ${nodes}\n` +
      '  links: [ { endpoints: ["a:eth1", "b:eth2"] } ]',
    "/labs/lab1.yml",
  );
}

describe("lab plan", () => {
  it("planLab - names everything after the lab, within Linux's limits", () => {
    const plan = planLab(topology("{ a: {}, b: {} }"), "/run/labs");
    assert.equal(plan.dir, "/run/labs/lab1");
    assert.equal(plan.user, "ncm-lab1");
    assert.equal(plan.mgmt.hostAddress, "198.18.0.1/24");
    assert.deepEqual(
      plan.nodes.map((n) => [n.name, n.netns, n.mgmtAddress, n.dir]),
      [
        ["a", "ncm-lab1-a", "198.18.0.2", "/run/labs/lab1/nodes/a"],
        ["b", "ncm-lab1-b", "198.18.0.3", "/run/labs/lab1/nodes/b"],
      ],
    );
    for (const name of [
      plan.mgmt.bridge,
      ...plan.nodes.map((n) => n.hostVeth),
    ]) {
      assert.ok(name.length <= 15, `${name} is too long for an interface`);
    }
    assert.deepEqual(plan.links[0], {
      a: { node: "a", iface: "eth1", netns: "ncm-lab1-a" },
      b: { node: "b", iface: "eth2", netns: "ncm-lab1-b" },
    });
  });

  it("planLab - given addresses stay and the others skip them", () => {
    const plan = planLab(topology("{ a: {}, b: { mgmt-ipv4: 198.18.0.2 } }"));
    assert.deepEqual(
      plan.nodes.map((n) => n.mgmtAddress),
      ["198.18.0.3", "198.18.0.2"],
    );
  });

  it("planLab - a subnet too small for the nodes is refused", () => {
    assert.throws(
      () =>
        planLab(
          topology(
            "{ a: {}, b: {}, c: {}, d: {}, e: {}, f: {} }",
            "198.18.0.0/29",
          ),
        ),
      (err: unknown) =>
        err instanceof NcmError &&
        err.code === "LAB_SUBNET_FULL" &&
        /has 5 addresses for routers; 6 nodes need more/.test(err.message),
    );
  });
});
