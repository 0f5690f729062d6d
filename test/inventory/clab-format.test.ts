import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NcmError } from "../../core/errors.ts";
import { detectFormat } from "../../inventory/detect-format.ts";
import { loadInventory, parseInventory } from "../../inventory/load.ts";
import { fixture } from "../harness/fixtures.ts";

const AVD_TOPOLOGY = fixture("avd", "topo.clab.yml");
const SECRET = "clab-S3cret";
const ENV = { NCM_PASSWORD: SECRET };

function parse(text: string, env: Record<string, string> = ENV) {
  return parseInventory(text, "/labs/lab.clab.yml", env);
}

function refused(text: string, env: Record<string, string> = ENV): NcmError {
  try {
    parse(text, env);
  } catch (err) {
    assert.ok(err instanceof NcmError, `expected an NcmError, got ${err}`);
    assert.equal(err.code, "INVENTORY_INVALID");
    return err;
  }
  assert.fail("expected the topology to be refused");
}

/** A lab named `lab` with `head` before its nodes. */
function lab(nodes: string, head = ""): string {
  return `name: lab\n${head}topology:\n  nodes:\n${nodes}`;
}

describe("containerlab topology", () => {
  it("clab - reads the AVD lab's topology: the cEOS nodes, not NATS or runners", async () => {
    const saved = process.env.NCM_PASSWORD;
    process.env.NCM_PASSWORD = SECRET;
    try {
      const inventory = await loadInventory(AVD_TOPOLOGY);

      assert.equal(inventory.format, "containerlab");
      assert.deepEqual(
        inventory.devices.map((d) => ({ ...d })),
        ["spine1", "leaf1", "leaf2"].map((name, i) => ({
          name,
          host: `172.20.20.${11 + i}`,
          port: 22,
          platform: "eos",
          username: "admin",
          password: SECRET,
          hostKeyPolicy: "insecure",
        })),
      );
      const skipped = inventory.notes.filter((n) =>
        n.startsWith("skipped node"),
      );
      assert.deepEqual(
        skipped.map((n) => n.split(" ")[2]),
        ["nats", "runner1", "runner2", "runner3"],
      );
      assert.ok(inventory.notes.some((n) => n.includes("NCM_PASSWORD")));
    } finally {
      if (saved === undefined) {
        delete process.env.NCM_PASSWORD;
      } else {
        process.env.NCM_PASSWORD = saved;
      }
    }
  });

  const PREFIXES: [string, string][] = [
    ["", "clab-lab-r1"],
    ['prefix: ""\n', "r1"],
    ["prefix: __lab-name\n", "lab-r1"],
    ["prefix: acme\n", "acme-lab-r1"],
  ];
  for (const [head, host] of PREFIXES) {
    const shown = JSON.stringify(head.trim() || "no prefix");
    it(`clab - without mgmt-ipv4, ${shown} gives host ${host}`, () => {
      const [device] = parse(
        lab("    r1: { kind: arista_ceos }\n", head),
      ).devices;
      assert.equal(device?.host, host);
    });
  }

  const NODES: [string, string | null][] = [
    ["{ kind: ceos, image: ceos:4.32.1F }", "eos"],
    ["{ kind: arista_ceos }", "eos"],
    ["{ kind: arista_veos }", "eos"],
    ["{ kind: linux, image: quay.io/frrouting/frr:10.2.1 }", "frr"],
    ["{ kind: linux, image: alpine:3 }", null],
    ["{ kind: nokia_srlinux }", null],
  ];
  for (const [node, platform] of NODES) {
    it(`clab - node ${node} is ${platform ?? "skipped with a note"}`, () => {
      const inventory = parse(
        lab(`    r1: ${node}\n    keep: { kind: arista_ceos }\n`),
        { ...ENV, NCM_USERNAME: "ops" },
      );
      const r1 = inventory.devices.find((d) => d.name === "r1");
      assert.equal(r1?.platform ?? null, platform);
      assert.equal(
        inventory.notes.some((n) => n.startsWith("skipped node r1 ")),
        platform === null,
      );
    });
  }

  it("clab - kind and image come from the node, its group, its kind or defaults", () => {
    const inventory = parse(
      `name: lab
topology:
  defaults: { kind: linux }
  kinds:
    linux: { image: quay.io/frrouting/frr:9.1.0 }
  groups:
    switches: { kind: arista_ceos }
  nodes:
    r1:
    r2: { image: alpine:3 }
    s1: { group: switches }
`,
      { ...ENV, NCM_USERNAME: "ops" },
    );
    assert.deepEqual(
      inventory.devices.map((d) => [d.name, d.platform]),
      [
        ["r1", "frr"],
        ["s1", "eos"],
      ],
    );
  });

  it("clab - NCM_USERNAME replaces the cEOS default user", () => {
    const [device] = parse(lab("    s1: { kind: arista_ceos }\n"), {
      ...ENV,
      NCM_USERNAME: "netops",
    }).devices;
    assert.equal(device?.username, "netops");
  });

  const REFUSED: {
    name: string;
    text: string;
    env?: Record<string, string>;
    expect: RegExp;
  }[] = [
    {
      name: "a topology without NCM_PASSWORD",
      text: lab("    s1: { kind: arista_ceos }\n"),
      env: {},
      expect: /a containerlab topology holds no passwords; set NCM_PASSWORD/,
    },
    {
      name: "an FRR node without NCM_USERNAME",
      text: lab("    r1: { kind: linux, image: frrouting/frr:v8.4.1 }\n"),
      expect: /node r1 \(frr\) needs a login user; set NCM_USERNAME/,
    },
    {
      name: "a router whose name is no device name",
      text: lab("    leaf1.dc: { kind: arista_ceos }\n"),
      expect: /lab\.clab\.yml:\d+: invalid device name "leaf1\.dc"/,
    },
    {
      name: "a lab of hosts only",
      text: lab("    h1: { kind: linux, image: alpine }\n"),
      expect: /no nodes ncm can manage/,
    },
    {
      name: "a prefixed lab without a name",
      text: "topology:\n  nodes:\n    s1: { kind: arista_ceos }\n",
      expect: /the topology has no name/,
    },
  ];
  for (const c of REFUSED) {
    it(`clab - refuses ${c.name}`, () => {
      const err = refused(c.text, c.env);
      assert.match(err.message, c.expect);
      assert.ok(!err.message.includes(SECRET), "the message shows a secret");
    });
  }
});

describe("inventory format detection", () => {
  const CASES: [string, unknown, string | null][] = [
    ["ncm's devices", { devices: {} }, "ncm"],
    ["an Ansible all group", { all: { hosts: {} } }, "ansible"],
    ["an empty Ansible all group", { all: null }, "ansible"],
    [
      "Ansible groups without all",
      { leafs: { hosts: { l1: null } } },
      "ansible",
    ],
    [
      "a containerlab topology",
      { name: "x", topology: { nodes: {} } },
      "containerlab",
    ],
    ["a list", ["leaf1"], null],
    ["a scalar", "leaf1", null],
    ["unrelated keys", { servers: ["a"] }, null],
  ];
  for (const [name, doc, format] of CASES) {
    it(`detect - ${name} is ${format ?? "not an inventory"}`, () => {
      assert.equal(detectFormat(doc), format);
    });
  }
});
