import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type ConfigNode,
  createRoot,
  treesEqual,
} from "../../../clab/sim/config-tree.ts";

/** A tree from nested arrays: a string is a line, an array its section. */
type Shape = (string | [string, Shape])[];

function tree(shape: Shape): ConfigNode {
  const root = createRoot();
  root.children = shape.map(node);
  return root;
}

function node(item: string | [string, Shape]): ConfigNode {
  if (typeof item === "string") {
    return { line: item, children: [] };
  }
  return { line: item[0], children: item[1].map(node) };
}

const cases: { name: string; a: Shape; b: Shape; equal: boolean }[] = [
  {
    name: "the same lines in another order are equal",
    a: ["hostname x", ["interface Et1", ["mtu 9214", "no shutdown"]]],
    b: [["interface Et1", ["no shutdown", "mtu 9214"]], "hostname x"],
    equal: true,
  },
  {
    name: "a changed line inside a section differs",
    a: [["interface Et1", ["mtu 9214"]]],
    b: [["interface Et1", ["mtu 1500"]]],
    equal: false,
  },
  {
    name: "a line moved to another section differs",
    a: [
      ["interface Et1", ["mtu 9214"]],
      ["interface Et2", []],
    ],
    b: [
      ["interface Et1", []],
      ["interface Et2", ["mtu 9214"]],
    ],
    equal: false,
  },
  {
    name: "a line twice is not the same as two lines",
    a: ["ntp server a", "ntp server a"],
    b: ["ntp server a", "ntp server b"],
    equal: false,
  },
  {
    name: "two lines are not the same as a line twice",
    a: ["ntp server a", "ntp server b"],
    b: ["ntp server a", "ntp server a"],
    equal: false,
  },
  {
    name: "a line twice on both sides is equal",
    a: ["ntp server a", "ntp server a", "hostname x"],
    b: ["hostname x", "ntp server a", "ntp server a"],
    equal: true,
  },
];

describe("config-tree", () => {
  for (const c of cases) {
    it(`treesEqual - ${c.name}`, () => {
      assert.equal(treesEqual(tree(c.a), tree(c.b)), c.equal);
      assert.equal(treesEqual(tree(c.b), tree(c.a)), c.equal);
    });
  }
});
