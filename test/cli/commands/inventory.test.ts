import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { fixture } from "../../harness/fixtures.ts";
import { runNcm } from "../run-ncm.ts";

const SECRET = "Sup3r-S3cret-Value";

const INVENTORY = `
defaults:
  platform: eos
  username: admin
  password: \${NCM_PASSWORD}
devices:
  leaf1: { host: 127.0.0.1, port: 2201 }
  spine1: { host: 10.0.0.11 }
  frr1: { host: 10.0.0.21, platform: frr, private_key: /keys/frr1, passphrase: "\${NCM_PASSWORD}" }
`;

describe("ncm inventory", () => {
  let dir: string;
  let file: string;

  before(async () => {
    // runNcm passes this process's environment on to the CLI.
    process.env.NCM_PASSWORD = SECRET;
    dir = await mkdtemp(join(tmpdir(), "ncm-inventory-cli-"));
    file = join(dir, "inventory.yaml");
    await writeFile(file, INVENTORY);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("inventory - --json prints the normalised devices and no secret", async () => {
    const run = await runNcm(["inventory", file, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const devices = JSON.parse(run.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      devices.map((d) => [d.device, d.host, d.port, d.platform, d.user]),
      [
        ["leaf1", "127.0.0.1", 2201, "eos", "admin"],
        ["spine1", "10.0.0.11", 22, "eos", "admin"],
        ["frr1", "10.0.0.21", 22, "frr", "admin"],
      ],
    );
    assert.equal(devices[2]?.auth, "password+private-key");
    assert.ok(
      !(run.stdout + run.stderr).includes(SECRET),
      "a secret was printed",
    );
  });

  it("inventory - the table has one row a device and no secret", async () => {
    const run = await runNcm(["inventory", file]);
    assert.equal(run.code, 0, run.stderr);
    const rows = run.stdout.trimEnd().split("\n");
    assert.match(rows[0] ?? "", /^DEVICE\s+HOST\s+PORT\s+PLATFORM\s+USER$/);
    assert.match(rows[1] ?? "", /^leaf1\s+127\.0\.0\.1\s+2201\s+eos\s+admin$/);
    assert.equal(rows.length, 4);
    assert.ok(
      !(run.stdout + run.stderr).includes(SECRET),
      "a secret was printed",
    );
  });

  it("inventory - an invalid file fails with its problems and no secret", async () => {
    const bad = join(dir, "bad.yaml");
    await writeFile(
      bad,
      `devices:\n  leaf1: { host: x, username: u, pasword: "${SECRET}", port: 0 }\n`,
    );
    const run = await runNcm(["inventory", bad, "--json"]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /unknown key "pasword" for device leaf1/);
    assert.match(run.stderr, /invalid port 0 for device leaf1/);
    assert.match(run.stderr, /INVENTORY_INVALID/);
    assert.ok(!run.stderr.includes(SECRET), "a secret was printed");
  });

  it("inventory - a missing file fails naming it", async () => {
    const run = await runNcm(["inventory", join(dir, "absent.yaml")]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /absent\.yaml not found/);
  });
});

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const LABS = join(ROOT, "clab/containerlab");
/** What a shell without the lab's credentials exported passes on. */
const NO_CREDENTIALS = { NCM_PASSWORD: undefined, NCM_USERNAME: undefined };

describe("ncm inventory without the credentials' variables", () => {
  const shipped = [
    {
      file: fixture("avd", "topo.clab.yml"),
      devices: ["spine1", "leaf1", "leaf2"],
      unset: ["NCM_PASSWORD"],
    },
    {
      file: join(LABS, "ncm-ceos.clab.yml"),
      devices: ["spine1", "leaf1", "leaf2"],
      unset: ["NCM_PASSWORD"],
    },
    {
      file: join(LABS, "ncm-frr.clab.yml"),
      devices: ["r1", "r2", "r3"],
      unset: ["NCM_USERNAME", "NCM_PASSWORD"],
    },
    {
      file: join(LABS, "ncm-ceos.inventory.yml"),
      devices: ["spine1", "leaf1", "leaf2"],
      unset: ["NCM_PASSWORD"],
    },
    {
      file: join(LABS, "ncm-frr.inventory.yml"),
      devices: ["r1", "r2", "r3"],
      unset: ["NCM_PASSWORD"],
    },
    {
      file: join(ROOT, "clab/topologies/frr3/topo.yml"),
      devices: ["r1", "r2", "r3"],
      unset: ["NCM_USERNAME", "NCM_PASSWORD"],
    },
  ];
  for (const lab of shipped) {
    const name = lab.file.split("/").slice(-2).join("/");
    it(`inventory - ${name} prints its devices and warns of ${lab.unset.join(" and ")}`, async () => {
      const run = await runNcm(["inventory", lab.file], {
        env: NO_CREDENTIALS,
      });
      assert.equal(run.code, 0, run.stderr);
      const rows = run.stdout.trimEnd().split("\n").slice(1);
      assert.deepEqual(
        rows.map((row) => row.split(/\s+/)[0]),
        lab.devices,
      );
      const warnings = run.stderr
        .split("\n")
        .filter((line) => line.startsWith("ncm: warning: "));
      assert.deepEqual(
        warnings.map((w) => /variable (\w+) is not set/.exec(w)?.[1]),
        lab.unset,
      );
      for (const warning of warnings) {
        assert.ok(
          warning.includes(lab.devices.join(", ")),
          `${warning} does not name ${lab.devices.join(", ")}`,
        );
      }
    });
  }

  const inventory = join(LABS, "ncm-ceos.inventory.yml");
  const refusal =
    /^ncm: .*ncm-ceos\.inventory\.yml:6: password in defaults needs environment variable NCM_PASSWORD, which is not set \[INVENTORY_INVALID\]\n$/;
  const loggingIn = [
    { command: "device running", args: ["device", "running", "leaf1"] },
    { command: "minion", args: ["minion", "--server", "nats://127.0.0.1:1"] },
    { command: "sim", args: ["sim"] },
  ];
  for (const c of loggingIn) {
    it(`${c.command} - refuses an inventory whose password variable is unset`, async () => {
      const run = await runNcm([...c.args, "--inventory", inventory], {
        env: NO_CREDENTIALS,
      });
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, refusal);
    });
  }
});
