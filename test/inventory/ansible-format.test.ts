import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { NcmError } from "../../core/errors.ts";
import { loadInventory, parseInventory } from "../../inventory/load.ts";
import { runNcm } from "../cli/run-ncm.ts";
import { fixture } from "../harness/fixtures.ts";

const AVD_INVENTORY = fixture("avd", "inventory.yml");
const SECRET = "Vry-S3cret-Pw";
const SOURCE = "/srv/ansible/inventory.yml";

function parse(text: string, env: Record<string, string> = {}) {
  return parseInventory(text, SOURCE, { HOME: "/home/ops", ...env });
}

function refused(text: string, env: Record<string, string> = {}): NcmError {
  try {
    parse(text, env);
  } catch (err) {
    assert.ok(err instanceof NcmError, `expected an NcmError, got ${err}`);
    assert.equal(err.code, "INVENTORY_INVALID");
    assert.ok(!err.message.includes(SECRET), "the message shows a secret");
    return err;
  }
  assert.fail("expected the inventory to be refused");
}

/** One EOS host `h` under `all`, with `vars` and host vars `own`. */
function single(vars: string, own = "{}"): string {
  return `all:
  vars:
    ansible_network_os: arista.eos.eos
${vars
  .split("\n")
  .filter((l) => l !== "")
  .map((l) => `    ${l}`)
  .join("\n")}
  hosts:
    h: ${own}
`;
}

describe("ansible inventory", () => {
  it("ansible - reads AVD's inventory.yml: three EOS switches over SSH", async () => {
    const inventory = await loadInventory(AVD_INVENTORY);

    assert.equal(inventory.format, "ansible");
    assert.deepEqual(
      inventory.devices.map((d) => ({ ...d })),
      ["spine1", "leaf1", "leaf2"].map((name, i) => ({
        name,
        host: `172.20.20.${11 + i}`,
        port: 22,
        platform: "eos",
        username: "admin",
        password: "admin",
        hostKeyPolicy: "pin",
      })),
    );
    assert.ok(
      inventory.notes.some((n) =>
        /httpapi.*ansible_httpapi_port is ignored/.test(n),
      ),
      `notes: ${inventory.notes.join(" | ")}`,
    );
  });

  it("ansible - ncm inventory prints AVD's hosts and no password", async () => {
    const text = await readFile(AVD_INVENTORY, "utf8");
    assert.match(text, /ansible_password: admin/);

    const run = await runNcm(["inventory", AVD_INVENTORY, "--json"]);

    assert.equal(run.code, 0, run.stderr);
    const devices = JSON.parse(run.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      devices.map((d) => [d.device, d.host, d.port, d.platform, d.user]),
      [
        ["spine1", "172.20.20.11", 22, "eos", "admin"],
        ["leaf1", "172.20.20.12", 22, "eos", "admin"],
        ["leaf2", "172.20.20.13", 22, "eos", "admin"],
      ],
    );
    assert.ok(
      devices.every((d) => !("password" in d)),
      "a password field was printed",
    );
    assert.match(run.stderr, /ncm: note: ansible_connection httpapi/);
  });

  it("ansible - deeper groups win over parents and host vars win over all", () => {
    const inventory = parse(`
all:
  vars: { ansible_network_os: eos, ansible_user: from-all, ansible_password: p, ansible_port: 1001 }
  children:
    DC:
      vars: { ansible_user: from-dc, ansible_port: 1002 }
      children:
        LEAFS:
          vars: { ansible_user: from-leafs }
          hosts:
            leaf1:
            leaf2: { ansible_user: from-host, ansible_host: 10.0.0.2 }
        SPINES:
          hosts:
            spine1: { ansible_port: 2222 }
`);
    const rows = inventory.devices.map((d) => [
      d.name,
      d.host,
      d.port,
      d.username,
    ]);
    assert.deepEqual(rows, [
      ["leaf1", "leaf1", 1002, "from-leafs"],
      ["leaf2", "10.0.0.2", 1002, "from-host"],
      ["spine1", "spine1", 2222, "from-dc"],
    ]);
  });

  it("ansible - a host in two groups gets both, the deeper and then later-named winning", () => {
    const [device] = parse(`
all:
  vars: { ansible_network_os: eos, ansible_password: p }
  children:
    A:
      vars: { ansible_user: from-a, ansible_port: 1 }
      hosts: { r1: }
    B:
      vars: { ansible_user: from-b }
      hosts: { r1: }
    C:
      children:
        D:
          vars: { ansible_port: 4 }
          hosts: { r1: }
`).devices;
    assert.equal(device?.username, "from-b");
    assert.equal(device?.port, 4);
  });

  it("ansible - ansible_group_priority reorders groups of the same depth", () => {
    const [device] = parse(`
all:
  vars: { ansible_network_os: eos, ansible_password: p }
  children:
    A:
      vars: { ansible_user: from-a, ansible_group_priority: 10 }
      hosts: { r1: }
    B:
      vars: { ansible_user: from-b }
      hosts: { r1: }
`).devices;
    assert.equal(device?.username, "from-a");
  });

  it("ansible - top-level groups other than all are its children", () => {
    const inventory = parse(`
all:
  vars: { ansible_user: admin, ansible_password: p }
routers:
  vars: { ansible_network_os: frr.frr.frr }
  hosts: { r1: { ansible_host: 192.0.2.1 } }
`);
    assert.deepEqual(
      inventory.devices.map((d) => [d.name, d.platform, d.username]),
      [["r1", "frr", "admin"]],
    );
  });

  const PLATFORMS: [string, string | null][] = [
    ["arista.eos.eos", "eos"],
    ["eos", "eos"],
    ["Arista.EOS.eos", "eos"],
    ["frr.frr.frr", "frr"],
    ["frr", "frr"],
    ["cisco.ios.ios", null],
    ["junipernetworks.junos.junos", null],
  ];
  for (const [os, platform] of PLATFORMS) {
    it(`ansible - ansible_network_os ${os} is ${platform ?? "skipped with a note"}`, () => {
      const text = `all:
  vars: { ansible_user: u, ansible_password: p }
  hosts:
    r1: { ansible_network_os: ${os} }
    r2: { ansible_network_os: eos }
`;
      const inventory = parse(text);
      const r1 = inventory.devices.find((d) => d.name === "r1");
      assert.equal(r1?.platform ?? null, platform);
      const noted = inventory.notes.some((n) =>
        n.startsWith(`skipped host r1: ansible_network_os "${os}"`),
      );
      assert.equal(noted, platform === null);
    });
  }

  it("ansible - a host without ansible_network_os is skipped with a note", () => {
    const inventory = parse(`
all:
  vars: { ansible_user: u, ansible_password: p }
  hosts:
    web.example.com:
    r1: { ansible_network_os: eos }
`);
    assert.deepEqual(
      inventory.devices.map((d) => d.name),
      ["r1"],
    );
    assert.ok(
      inventory.notes.includes(
        "skipped host web.example.com: no ansible_network_os " +
          "(ncm manages arista.eos.eos and frr.frr.frr)",
      ),
    );
  });

  it("ansible - an EOS host whose name is no device name is refused clearly", () => {
    const err = refused(
      single("ansible_user: u\nansible_password: p", "{}").replace(
        "    h:",
        "    leaf1.dc1:",
      ),
    );
    assert.match(
      err.message,
      /inventory\.yml:\d+: invalid device name "leaf1\.dc1": use only letters, digits/,
    );
  });

  it("ansible - ssh settings, key file, host key checking and ncm_ variables", () => {
    const [device] = parse(
      single(
        [
          "ansible_ssh_user: ops",
          "ansible_ssh_private_key_file: keys/id_ed25519",
          "ansible_host_key_checking: true",
          "ncm_interval: '0 */10 * * * *'",
          "ncm_allow_lockout: true",
        ].join("\n"),
        "{ ansible_ssh_host: 198.51.100.7, ansible_ssh_port: '2022' }",
      ),
    ).devices;
    assert.deepEqual(
      { ...device },
      {
        name: "h",
        host: "198.51.100.7",
        port: 2022,
        platform: "eos",
        username: "ops",
        privateKeyFile: "/srv/ansible/keys/id_ed25519",
        hostKeyPolicy: "known-hosts",
        knownHosts: "/home/ops/.ssh/known_hosts",
        interval: "0 */10 * * * *",
        allowLockout: true,
      },
    );
  });

  it("ansible - ansible_become_password answers enable, as network_cli's become does", () => {
    const [device] = parse(
      single(
        "ansible_user: ops\nansible_password: pw\nansible_become_password: en-pw",
        "{ ansible_host: 198.51.100.8 }",
      ),
    ).devices;
    assert.equal(device?.enablePassword, "en-pw");
  });

  const HOST_KEYS: [string, string][] = [
    ["", "pin"],
    ["ansible_host_key_checking: false", "insecure"],
    ["ansible_host_key_checking: true", "known-hosts"],
    ["ncm_host_key: insecure\nansible_host_key_checking: true", "insecure"],
    ["ncm_known_hosts: /etc/ssh/known", "known-hosts"],
  ];
  for (const [vars, policy] of HOST_KEYS) {
    it(`ansible - host key policy ${policy} from ${JSON.stringify(vars)}`, () => {
      const [device] = parse(
        single(`ansible_user: u\nansible_password: p\n${vars}`),
      ).devices;
      assert.equal(device?.hostKeyPolicy, policy);
    });
  }

  it("ansible - a password from {{ lookup('env', ...) }} is read from the environment", () => {
    const [device] = parse(
      single(
        "ansible_user: u\nansible_password: \"{{ lookup('ansible.builtin.env', 'LAB_PW') }}\"",
      ),
      { LAB_PW: SECRET },
    ).devices;
    assert.equal(device?.password, SECRET);
  });

  it("ansible - NCM_USERNAME and NCM_PASSWORD stand in for missing credentials", () => {
    const [device] = parse(single(""), {
      NCM_USERNAME: "envuser",
      NCM_PASSWORD: SECRET,
    }).devices;
    assert.equal(device?.username, "envuser");
    assert.equal(device?.password, SECRET);
  });

  it("ansible - a vaulted password gives way to NCM_PASSWORD", () => {
    const vaulted = single(
      "ansible_user: u\nansible_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162636465",
    );
    const [device] = parse(vaulted, { NCM_PASSWORD: SECRET }).devices;
    assert.equal(device?.password, SECRET);
    const err = refused(vaulted);
    assert.match(
      err.message,
      /ansible_password of host h is encrypted with Ansible Vault, .* set NCM_PASSWORD/,
    );
  });

  const REFUSED: {
    name: string;
    text: string;
    env?: Record<string, string>;
    expect: RegExp;
  }[] = [
    {
      name: "a missing user",
      text: single("ansible_password: p"),
      expect:
        /host h has no ansible_user; set it in the inventory or NCM_USERNAME/,
    },
    {
      name: "no password and no key",
      text: single("ansible_user: u"),
      expect:
        /host h has no ansible_password \(or ansible_ssh_private_key_file\)/,
    },
    {
      name: "a bad port, naming the variable",
      text: single("ansible_user: u\nansible_password: p\nansible_port: https"),
      expect:
        /inventory\.yml:\d+: invalid ansible_port "https" for host h; expected a whole number/,
    },
    {
      name: "a Jinja template it cannot evaluate",
      text: single(
        `ansible_user: u\nansible_password: "{{ vault_pw | default('${SECRET}') }}"`,
      ),
      expect:
        /ansible_password for host h is a Jinja template, which ncm does not evaluate/,
    },
    {
      name: "an environment lookup of an unset variable",
      text: single(
        "ansible_user: u\nansible_password: \"{{ lookup('env', 'NOPE') }}\"",
      ),
      expect:
        /ansible_password for host h needs environment variable NOPE, which is not set/,
    },
    {
      name: "a password that is not a string, without showing it",
      text: single("ansible_user: u\nansible_password: 12345678"),
      expect: /invalid ansible_password for host h; expected a string/,
    },
    {
      name: "a bad ncm_interval",
      text: single(
        "ansible_user: u\nansible_password: p\nncm_interval: sometimes",
      ),
      expect:
        /invalid ncm_interval "sometimes" for host h; expected a cron expression/,
    },
    {
      name: "groups that form a cycle",
      text: [
        "all:",
        "  children:",
        "    A:",
        "      children:",
        "        B:",
        "          children:",
        "            A:",
      ].join("\n"),
      expect: /groups form a cycle: all → A → B → A/,
    },
    {
      name: "hosts that are a list",
      text: "all:\n  hosts: [r1, r2]\n",
      expect: /invalid hosts of group all; expected a mapping/,
    },
    {
      name: "no host ncm manages",
      text: "all:\n  hosts:\n    web1: { ansible_network_os: linux }\n",
      expect: /no hosts ncm can manage/,
    },
  ];
  for (const c of REFUSED) {
    it(`ansible - refuses ${c.name}`, () => {
      const err = refused(c.text, c.env);
      assert.match(err.message, c.expect);
      assert.ok(
        !err.message.includes("12345678"),
        "the message shows a secret",
      );
    });
  }
});
