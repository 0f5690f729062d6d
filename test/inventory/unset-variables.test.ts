import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NcmError } from "../../core/errors.ts";
import { type LoadOptions, parseInventory } from "../../inventory/load.ts";
import { describeUnset } from "../../inventory/unset-variables.ts";

const DEFER: LoadOptions = { unsetVariables: "defer" };
const HOME = { HOME: "/home/ops" };

const NCM = `
defaults:
  username: admin
  password: \${NCM_PASSWORD}
devices:
  leaf1: { host: 10.0.0.1 }
  leaf2: { host: 10.0.0.2, password: literal-pw }
  leaf3: { host: 10.0.0.3, username: "\${LOGIN}" }
`;

const CLAB_FRR = `
name: lab
topology:
  nodes:
    ceos1: { kind: arista_ceos }
    r1: { kind: linux, image: frrouting/frr:v8.4.1 }
`;

const ANSIBLE = `
all:
  hosts:
    leaf1: { ansible_host: 10.0.0.1, ansible_network_os: arista.eos.eos }
    leaf2:
      ansible_host: 10.0.0.2
      ansible_network_os: arista.eos.eos
      ansible_user: ops
      ansible_password: "{{ lookup('env', 'LEAF2_PASSWORD') }}"
`;

function refusal(text: string, source: string): string {
  try {
    parseInventory(text, source, HOME);
  } catch (err) {
    assert.ok(err instanceof NcmError && err.code === "INVENTORY_INVALID");
    return err.message;
  }
  assert.fail("expected the inventory to be refused");
}

describe("inventory unset variables", () => {
  it("unset - ncm format: refused by default, naming the variable", () => {
    assert.match(
      refusal(NCM, "/etc/ncm/inv.yml"),
      /inv\.yml:4: password in defaults needs environment variable NCM_PASSWORD, which is not set/,
    );
  });

  it("unset - ncm format, deferred: devices without the secret, a reference for the user, who needs what", () => {
    const inventory = parseInventory(NCM, "/etc/ncm/inv.yml", HOME, DEFER);
    assert.deepEqual(
      inventory.devices.map((d) => [d.name, d.username, d.password]),
      [
        ["leaf1", "admin", undefined],
        ["leaf2", "admin", "literal-pw"],
        ["leaf3", `\${LOGIN}`, undefined],
      ],
    );
    assert.deepEqual(inventory.unset, [
      {
        variable: "NCM_PASSWORD",
        setting: "password",
        devices: ["leaf1", "leaf3"],
      },
      { variable: "LOGIN", setting: "username", devices: ["leaf3"] },
    ]);
  });

  it("unset - a device's own unset password is not filled in from defaults", () => {
    const text = `
defaults: { username: admin, password: from-defaults }
devices:
  leaf1: { host: 10.0.0.1, password: "\${LEAF1_PW}" }
`;
    const inventory = parseInventory(text, "/etc/ncm/inv.yml", HOME, DEFER);
    assert.equal(inventory.devices[0]?.password, undefined);
    assert.deepEqual(inventory.unset[0]?.devices, ["leaf1"]);
  });

  it("unset - a value that cannot stand as written (a port) is still refused", () => {
    const text = `
devices:
  leaf1: { host: 10.0.0.1, port: "\${PORT}", username: u, password: p }
`;
    assert.throws(
      () => parseInventory(text, "/etc/ncm/inv.yml", HOME, DEFER),
      /port for device leaf1 needs environment variable PORT, which is not set/,
    );
  });

  it("unset - containerlab: NCM_USERNAME and NCM_PASSWORD deferred per node", () => {
    assert.match(
      refusal(CLAB_FRR, "/labs/lab.clab.yml"),
      /node r1 \(frr\) needs a login user; set NCM_USERNAME/,
    );
    const inventory = parseInventory(
      CLAB_FRR,
      "/labs/lab.clab.yml",
      HOME,
      DEFER,
    );
    assert.deepEqual(
      inventory.devices.map((d) => [
        d.name,
        d.platform,
        d.username,
        d.password,
      ]),
      [
        ["ceos1", "eos", "admin", undefined],
        ["r1", "frr", `\${NCM_USERNAME}`, undefined],
      ],
    );
    assert.deepEqual(
      inventory.unset.map((u) => [u.variable, u.devices]),
      [
        ["NCM_USERNAME", ["r1"]],
        ["NCM_PASSWORD", ["ceos1", "r1"]],
      ],
    );
  });

  it("unset - Ansible: a missing password and an unset env lookup are deferred", () => {
    assert.match(
      refusal(ANSIBLE, "/ansible/inventory.yml"),
      /host leaf1 has no ansible_user; set it in the inventory or NCM_USERNAME/,
    );
    const inventory = parseInventory(
      ANSIBLE,
      "/ansible/inventory.yml",
      HOME,
      DEFER,
    );
    assert.deepEqual(
      inventory.devices.map((d) => [d.name, d.username, d.password]),
      [
        ["leaf1", `\${NCM_USERNAME}`, undefined],
        ["leaf2", "ops", undefined],
      ],
    );
    assert.deepEqual(
      inventory.unset.map((u) => [u.variable, u.setting, u.devices]),
      [
        ["NCM_USERNAME", "username", ["leaf1"]],
        ["NCM_PASSWORD", "password", ["leaf1"]],
        ["LEAF2_PASSWORD", "ansible_password", ["leaf2"]],
      ],
    );
  });

  it("unset - the warning names the variable, the setting and the devices", () => {
    const line = describeUnset({
      variable: "NCM_PASSWORD",
      setting: "password",
      devices: ["leaf1", "leaf2"],
    });
    assert.match(
      line,
      /^environment variable NCM_PASSWORD is not set, so password is missing for leaf1, leaf2; .*minion, device and sim refuse/,
    );
    assert.doesNotMatch(line, /\n/);
  });
});
