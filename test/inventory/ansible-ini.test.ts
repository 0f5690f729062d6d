import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { NcmError } from "../../core/errors.ts";
import { parseInventory } from "../../inventory/load.ts";
import { runNcm } from "../cli/run-ncm.ts";

const SOURCE = "/srv/ansible/hosts";
const SECRET = "pass w0rd";

/** A fabric as network teams keep it in an Ansible `hosts` file. */
const HOSTS = `# lab fabric
[spines]
spine1 ansible_host=198.51.100.11
spine2 ansible_host=198.51.100.12 ansible_port=2222   # the odd one

[leaves]
leaf[01:03]

[leaves:vars]
ansible_user=ops

[fabric:children]
spines
leaves

[fabric:vars]
ansible_network_os=arista.eos.eos
ansible_user=admin
ansible_password="${SECRET}"
ansible_become_password='en able'

[frr]
frr1:2022 ansible_host=198.51.100.21 ansible_network_os=frr.frr.frr ansible_user=frr ansible_password=x

[servers]
web1 ansible_host=198.51.100.30
`;

function parse(text: string) {
  return parseInventory(text, SOURCE, { HOME: "/home/ops" });
}

function syntaxError(text: string): NcmError {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof NcmError, String(err));
    assert.ok(!err.message.includes(SECRET), "the message shows a secret");
    return err;
  }
  assert.fail("expected the inventory to be refused");
}

describe("ansible INI inventory", () => {
  it("ini - groups, children, vars, ranges and host:port become devices as Ansible resolves them", () => {
    const inventory = parse(HOSTS);
    assert.equal(inventory.format, "ansible");
    const brief = inventory.devices.map((d) => [
      d.name,
      d.host,
      d.port,
      d.platform,
      d.username,
    ]);
    assert.deepEqual(brief, [
      ["spine1", "198.51.100.11", 22, "eos", "admin"],
      ["spine2", "198.51.100.12", 2222, "eos", "admin"],
      // The deeper group's ansible_user wins over fabric's.
      ["leaf01", "leaf01", 22, "eos", "ops"],
      ["leaf02", "leaf02", 22, "eos", "ops"],
      ["leaf03", "leaf03", 22, "eos", "ops"],
      ["frr1", "198.51.100.21", 2022, "frr", "frr"],
    ]);
    const spine1 = inventory.devices[0];
    assert.equal(spine1?.password, SECRET);
    assert.equal(spine1?.enablePassword, "en able");
    assert.ok(
      inventory.notes.some((n) => n.includes("web1")),
      `no note for the server: ${inventory.notes.join("; ")}`,
    );
  });

  it("ini - hosts before any section are ungrouped, and ranges take letters and steps", () => {
    const inventory = parse(
      [
        "sw[a:c] ansible_network_os=eos ansible_user=u ansible_password=p",
        "r[1:5:2] ansible_network_os=eos ansible_user=u ansible_password=p",
        "",
      ].join("\n"),
    );
    assert.deepEqual(
      inventory.devices.map((d) => d.name),
      ["swa", "swb", "swc", "r1", "r3", "r5"],
    );
  });

  it("ini - a quoted number stays text and an unquoted one is a number, as in Ansible", () => {
    const [device] = parse(
      'h ansible_network_os=eos ansible_user=u ansible_password="1234" ansible_port=830\n',
    ).devices;
    assert.equal(device?.password, "1234");
    assert.equal(device?.port, 830);
  });

  const bad: [string, string, RegExp][] = [
    [
      "an unknown section type",
      "[fabric:hosts]\nh\n",
      /:1: Ansible INI inventory: unknown section \[fabric:hosts\]/,
    ],
    [
      "a vars line without =",
      `[all:vars]\nansible_user=u\nansible_password ${SECRET}\n`,
      /:3: Ansible INI inventory: expected key=value in a \[group:vars\] section/,
    ],
    [
      "a host word that is no assignment",
      `[g]\nh ansible_user=u ${SECRET}\n`,
      /:2: .*expected key=value after the host name.*\(word 3\)/,
    ],
    [
      "an unclosed quote",
      `[g]\nh ansible_password="${SECRET}\n`,
      /:2: Ansible INI inventory: unclosed " quote/,
    ],
    [
      "a malformed range",
      "[g]\nleaf[1-4] ansible_user=u\n",
      /:2: .*invalid host range in "leaf\[1-4\]"/,
    ],
  ];
  for (const [name, text, message] of bad) {
    it(`ini - refuses ${name}, naming the line and never its text`, () => {
      const err = syntaxError(text);
      assert.equal(err.code, "INVENTORY_SYNTAX");
      assert.match(err.message, message);
    });
  }

  it("ini - a YAML inventory is still read as YAML", () => {
    const inventory = parse(
      "all:\n  hosts:\n    h: { ansible_network_os: eos, ansible_user: u, ansible_password: p }\n",
    );
    assert.deepEqual(
      inventory.devices.map((d) => d.name),
      ["h"],
    );
  });

  it("ini - ncm inventory prints the devices of a hosts file and no secret", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ncm-ini-"));
    try {
      const file = join(dir, "hosts");
      await writeFile(file, HOSTS);
      const run = await runNcm(["inventory", file, "--json"]);
      assert.equal(run.code, 0, run.stderr);
      const devices = JSON.parse(run.stdout) as { device: string }[];
      assert.equal(devices.length, 6);
      assert.ok(!run.stdout.includes(SECRET), "a password was printed");
      assert.ok(
        !run.stdout.includes("en able"),
        "the enable password was printed",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
