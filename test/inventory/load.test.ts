import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { NcmError } from "../../core/errors.ts";
import { loadInventory, parseInventory } from "../../inventory/load.ts";

const SECRET = "s3cr3t-Pa55";
const ENV = { NCM_PASSWORD: SECRET, HOME: "/home/ops", PORT: "2202" };

const VALID = `
defaults:
  platform: eos
  username: admin
  password: \${NCM_PASSWORD}
devices:
  leaf1: { host: 127.0.0.1, port: 2201 }
  spine1: { host: 10.0.0.11 }
  frr1:
    host: 10.0.0.21
    platform: frr
    username: ops
    private_key: ~/.ssh/id_ed25519
    passphrase: "\${NCM_PASSWORD}"
    known_hosts: keys/known_hosts
    interval: "0 */2 * * * *"
    allow_lockout: true
    sim: { latency_ms: 20, refuse_auth: false, drop_on: commit, fail_commit: true }
`;

/** Parses with a fixed environment; `source` sits in /etc/ncm. */
function parse(text: string, env: Record<string, string> = ENV) {
  return parseInventory(text, "/etc/ncm/inventory.yaml", env);
}

function parseError(text: string, env: Record<string, string> = ENV) {
  try {
    parse(text, env);
  } catch (err) {
    assert.ok(err instanceof NcmError, `expected an NcmError, got ${err}`);
    return err;
  }
  assert.fail("expected the inventory to be refused");
}

describe("inventory load", () => {
  it("load - a valid file gives normalised devices with defaults merged", () => {
    const inventory = parse(VALID);
    assert.equal(inventory.source, "/etc/ncm/inventory.yaml");
    assert.deepEqual(inventory.devices, [
      {
        name: "leaf1",
        host: "127.0.0.1",
        port: 2201,
        platform: "eos",
        username: "admin",
        password: SECRET,
        hostKeyPolicy: "pin",
      },
      {
        name: "spine1",
        host: "10.0.0.11",
        port: 22,
        platform: "eos",
        username: "admin",
        password: SECRET,
        hostKeyPolicy: "pin",
      },
      {
        name: "frr1",
        host: "10.0.0.21",
        port: 22,
        platform: "frr",
        username: "ops",
        password: SECRET,
        privateKeyFile: "/home/ops/.ssh/id_ed25519",
        passphrase: SECRET,
        hostKeyPolicy: "known-hosts",
        knownHosts: "/etc/ncm/keys/known_hosts",
        interval: "0 */2 * * * *",
        allowLockout: true,
        sim: {
          latencyMs: 20,
          refuseAuth: false,
          dropOn: "commit",
          failCommit: true,
        },
      },
    ]);
  });

  it("load - enable_password is read as a secret and never named in a problem", () => {
    const text = VALID.replace(
      "  username: admin\n",
      `  username: admin\n  enable_password: \${NCM_PASSWORD}\n`,
    );
    const devices = parse(text).devices;
    assert.ok(devices.every((d) => d.enablePassword === SECRET));
    const err = parseError(
      VALID.replace("devices:", "  enable_password: [1, 2]\ndevices:"),
    );
    assert.match(err.message, /enable_password/);
  });

  it("load - camelCase spellings are accepted", () => {
    const [device] = parse(`
devices:
  leaf1:
    host: h
    username: u
    privateKey: /k
    hostKey: insecure
    knownHosts: /kh
    allowLockout: false
    sim: { latencyMs: 1, refuseAuth: true, dropOn: x, failCommit: false }
`).devices;
    assert.equal(device?.privateKeyFile, "/k");
    assert.equal(device?.hostKeyPolicy, "insecure");
    assert.equal(device?.knownHosts, "/kh");
    assert.equal(device?.allowLockout, false);
    assert.deepEqual(device?.sim, {
      latencyMs: 1,
      refuseAuth: true,
      dropOn: "x",
      failCommit: false,
    });
  });

  it("load - host_key known-hosts without a file uses ~/.ssh/known_hosts", () => {
    const [device] = parse(
      "devices:\n  a: { host: h, username: u, password: p, host_key: known-hosts }\n",
    ).devices;
    assert.equal(device?.knownHosts, "/home/ops/.ssh/known_hosts");
  });

  it("load - environment variables expand anywhere in strings, $$ escapes", () => {
    const [device] = parse(
      `devices:
  a:
    host: "10.0.0.\${PORT}"
    port: "\${PORT}"
    username: "u-\${PORT}-$\${x}"
    password: "$\${NCM_PASSWORD}"
`,
    ).devices;
    assert.equal(device?.host, "10.0.0.2202");
    assert.equal(device?.port, 2202);
    assert.equal(device?.username, `u-2202-\${x}`);
    assert.equal(device?.password, `\${NCM_PASSWORD}`);
  });

  it("load - sim switches of defaults and device merge", () => {
    const [device] = parse(`
defaults: { username: u, password: p, sim: { latency_ms: 5, fail_commit: true } }
devices:
  a: { host: h, sim: { fail_commit: false } }
`).devices;
    assert.deepEqual(device?.sim, { latencyMs: 5, failCommit: false });
  });
});

const BASE = "defaults: { username: admin, password: p }\ndevices:\n";

/** Each refused inventory: the message must contain every `expect` part. */
const REFUSED: {
  name: string;
  text: string;
  code: string;
  expect: string[];
  env?: Record<string, string>;
}[] = [
  {
    name: "an empty file",
    text: "",
    code: "INVENTORY_EMPTY",
    expect: ["inventory.yaml: the inventory is empty"],
  },
  {
    name: "a file of comments only",
    text: "# nothing yet\n",
    code: "INVENTORY_EMPTY",
    expect: ["is empty"],
  },
  {
    name: "a YAML syntax error",
    text: `devices:\n  leaf1: { host: x\n  password: "${SECRET}\n`,
    code: "INVENTORY_SYNTAX",
    expect: ["inventory.yaml:", "YAML syntax error"],
  },
  {
    name: "a duplicate device",
    text: `${BASE}  a: { host: x }\n  a: { host: y }\n`,
    code: "INVENTORY_SYNTAX",
    expect: ["inventory.yaml:4:3:", "unique"],
  },
  {
    name: "an unquoted variable inside { }",
    text: `devices:\n  a: { host: x, password: \${NCM_PASSWORD} }\n`,
    code: "INVENTORY_SYNTAX",
    expect: [":2:", `put "\${VAR}" in quotes`],
  },
  {
    name: "a list instead of a mapping",
    text: "- leaf1\n- leaf2\n",
    code: "INVENTORY_FORMAT",
    expect: ["expected a mapping with a devices key"],
  },
  {
    name: "an unknown top-level key",
    text: `${BASE}  a: { host: x }\ndefault: {}\n`,
    code: "INVENTORY_INVALID",
    expect: ['inventory.yaml:4: unknown top-level key "default"'],
  },
  {
    name: "no devices",
    text: "devices: {}\n",
    code: "INVENTORY_INVALID",
    expect: ["no devices"],
  },
  {
    name: "an invalid device name",
    text: `${BASE}  leaf.1: { host: x }\n`,
    code: "INVENTORY_INVALID",
    expect: [
      "inventory.yaml:3:",
      'invalid device name "leaf.1"',
      "letters, digits",
    ],
  },
  {
    name: "an unknown key",
    text: `${BASE}  leaf1: { hots: x, host: y }\n`,
    code: "INVENTORY_INVALID",
    expect: [
      'inventory.yaml:3: unknown key "hots" for device leaf1; expected one of host, port,',
    ],
  },
  {
    name: "an unknown key in defaults",
    text: "defaults: { user: a }\ndevices:\n  a: { host: x, username: u, password: p }\n",
    code: "INVENTORY_INVALID",
    expect: ['unknown key "user" in defaults; expected one of', "username"],
  },
  {
    name: "an unknown sim key",
    text: `${BASE}  a: { host: x, sim: { latency: 5 } }\n`,
    code: "INVENTORY_INVALID",
    expect: ['unknown key "sim.latency" for device a', "sim.latency_ms"],
  },
  {
    name: "a port out of range",
    text: `${BASE}  a: { host: x, port: 70000 }\n`,
    code: "INVENTORY_INVALID",
    expect: [
      "invalid port 70000 for device a; expected a whole number from 1 to 65535",
    ],
  },
  {
    name: "a port of zero",
    text: `${BASE}  a: { host: x, port: 0 }\n`,
    code: "INVENTORY_INVALID",
    expect: ["invalid port 0 for device a"],
  },
  {
    name: "a port that is no number",
    text: `${BASE}  a: { host: x, port: ssh }\n`,
    code: "INVENTORY_INVALID",
    expect: ['invalid port "ssh" for device a'],
  },
  {
    name: "an unknown platform",
    text: `${BASE}  a: { host: x, platform: ios }\n`,
    code: "INVENTORY_INVALID",
    expect: ['invalid platform "ios" for device a; expected eos or frr'],
  },
  {
    name: "an unknown host key policy",
    text: `${BASE}  a: { host: x, host_key: tofu }\n`,
    code: "INVENTORY_INVALID",
    expect: [
      'invalid host_key "tofu" for device a; expected pin, known-hosts or insecure',
    ],
  },
  {
    name: "a bad cron interval",
    text: `${BASE}  a: { host: x, interval: "every 5" }\n`,
    code: "INVENTORY_INVALID",
    expect: ['invalid interval "every 5" for device a; expected a cron'],
  },
  {
    name: "a non-boolean allow_lockout",
    text: `${BASE}  a: { host: x, allow_lockout: yes }\n`,
    code: "INVENTORY_INVALID",
    expect: [
      'invalid allow_lockout "yes" for device a; expected true or false',
    ],
  },
  {
    name: "two spellings of one key",
    text: `${BASE}  a: { host: x, private_key: /k, privateKey: /j }\n`,
    code: "INVENTORY_INVALID",
    expect: ["both private_key and privateKey given for device a; use one"],
  },
  {
    name: "a missing host",
    text: `${BASE}  a: { port: 22 }\n`,
    code: "INVENTORY_INVALID",
    expect: ["inventory.yaml:3: device a has no host"],
  },
  {
    name: "a device without settings",
    text: `${BASE}  a:\n`,
    code: "INVENTORY_INVALID",
    expect: ["device a has no host"],
  },
  {
    name: "a missing username",
    text: "devices:\n  a: { host: x, password: p }\n",
    code: "INVENTORY_INVALID",
    expect: ["device a has no username"],
  },
  {
    name: "neither password nor private key",
    text: "devices:\n  a: { host: x, username: u }\n",
    code: "INVENTORY_INVALID",
    expect: ["device a has neither password nor private_key"],
  },
  {
    name: "a missing environment variable",
    text: `defaults: { username: u, password: "\${NCM_PASSWORD}" }\ndevices:\n  a: { host: x }\n`,
    env: {},
    code: "INVENTORY_INVALID",
    expect: [
      "inventory.yaml:1: password in defaults needs environment variable " +
        "NCM_PASSWORD, which is not set",
    ],
  },
  {
    name: "an unterminated variable reference",
    text: `${BASE}  a: { host: "x-\${HOST" }\n`,
    code: "INVENTORY_INVALID",
    expect: ["host for device a has an unterminated variable reference"],
  },
  {
    name: "a password that is a number, not shown",
    text: `${BASE}  a: { host: x, password: 12345678 }\n`,
    code: "INVENTORY_INVALID",
    expect: ["invalid password for device a; expected a string (quote it)"],
  },
  {
    name: "a secret under a misspelt key",
    text: `${BASE}  a: { host: x, pasword: "${SECRET}" }\n`,
    code: "INVENTORY_INVALID",
    expect: ['unknown key "pasword" for device a'],
  },
  {
    name: "a secret passphrase of the wrong type",
    text: `${BASE}  a: { host: x, passphrase: ["${SECRET}"] }\n`,
    code: "INVENTORY_INVALID",
    expect: ["invalid passphrase for device a; expected a string"],
  },
];

describe("inventory validation", () => {
  for (const c of REFUSED) {
    it(`load - refuses ${c.name} with a precise message`, () => {
      const err = parseError(c.text, c.env ?? ENV);
      assert.equal(err.category, "input");
      assert.equal(err.code, c.code);
      for (const part of c.expect) {
        assert.ok(
          err.message.includes(part),
          `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(part)}`,
        );
      }
      assert.ok(!err.message.includes(SECRET), "the message shows a secret");
      assert.ok(
        !err.message.includes("12345678"),
        "the message shows a secret",
      );
    });
  }

  it("load - reports every problem of a file at once", () => {
    const err = parseError(
      `${BASE}  a: { host: x, port: 0 }\n  b: { hots: y }\n`,
    );
    const lines = err.message.split("\n");
    assert.equal(lines.length, 3);
    assert.deepEqual(err.details.problems, lines);
  });
});

describe("inventory files", () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-inventory-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("load - reads a file and resolves key paths from its folder", async () => {
    const file = join(dir, "inventory.yaml");
    await writeFile(
      file,
      "devices:\n  a: { host: x, username: u, private_key: keys/a }\n",
    );
    const inventory = await loadInventory(file);
    assert.equal(inventory.source, file);
    assert.equal(inventory.devices[0]?.privateKeyFile, join(dir, "keys/a"));
  });

  it("load - a missing file is INVENTORY_NOT_FOUND naming the file", async () => {
    const file = join(dir, "absent.yaml");
    await assert.rejects(loadInventory(file), (err: unknown) => {
      assert.ok(err instanceof NcmError);
      assert.equal(err.code, "INVENTORY_NOT_FOUND");
      assert.equal(err.category, "input");
      assert.match(err.message, /absent\.yaml not found/);
      return true;
    });
  });

  it("load - a directory is INVENTORY_READ", async () => {
    await assert.rejects(loadInventory(dir), (err: unknown) => {
      assert.ok(err instanceof NcmError);
      assert.equal(err.code, "INVENTORY_READ");
      return true;
    });
  });
});
