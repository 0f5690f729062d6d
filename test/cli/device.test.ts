import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SimHost } from "../../clab/sim/sim-host.ts";
import { createDriver } from "../../reconciler/drivers/create-driver.ts";
import { waitUntil } from "../harness/wait.ts";
import { runNcm } from "./run-ncm.ts";

const PASSWORD = "cli-device-pw-93";

const SEED = [
  "hostname leaf1",
  "!",
  "interface Ethernet1",
  "   description old",
  "!",
  "end",
  "",
].join("\n");

describe("ncm device running|diff", { timeout: 120_000 }, () => {
  let dir: string;
  let sims: SimHost;
  let inventory: string;

  /** Writes a config file into the temp dir and returns its path. */
  async function configFile(name: string, text: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-cli-device-"));
    sims = await SimHost.start({
      stateDir: join(dir, "sim"),
      devices: [
        { name: "leaf1", port: 0, config: SEED },
        { name: "down", port: 0, config: "hostname down\n" },
      ].map((d) => ({ ...d, username: "admin", password: PASSWORD })),
    });
    await sims.device("down").stopListening();
    inventory = join(dir, "inventory.yml");
    await writeFile(
      inventory,
      [
        "defaults:",
        "  username: admin",
        `  password: ${PASSWORD}`,
        `  known_hosts: ${sims.knownHostsFile}`,
        "devices:",
        ...sims.devices.map(
          (d) => `  ${d.name}: { host: ${d.host}, port: ${d.port} }`,
        ),
        "",
      ].join("\n"),
    );
  });
  after(async () => {
    await sims?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("device running - prints the running-config exactly, exit 0", async () => {
    const run = await runNcm([
      "device",
      "running",
      "leaf1",
      "--inventory",
      inventory,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, sims.device("leaf1").runningConfig());
    assert.doesNotMatch(run.stdout + run.stderr, new RegExp(PASSWORD));
  });

  it("device diff - prints the device-side diff and leaves nothing behind", async () => {
    const before = sims.device("leaf1").runningConfig();
    const file = await configFile("new.cfg", SEED.replace("old", "new"));
    const run = await runNcm([
      "device",
      "diff",
      "leaf1",
      file,
      "--inventory",
      inventory,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^--- system:\/running-config$/m);
    assert.match(run.stdout, /^- +description old$/m);
    assert.match(run.stdout, /^\+ +description new$/m);
    assert.equal(sims.device("leaf1").runningConfig(), before);
    assert.deepEqual(sims.device("leaf1").pendingSessions(), []);
    assert.equal(sims.device("leaf1").counters.commits, 0);
  });

  it("device diff - a minion's cleanup at that moment leaves its session alone", async () => {
    const device = sims.device("leaf1");
    const file = await configFile("held.cfg", SEED.replace("old", "held"));
    // Holds the diff with its session loaded, as a slow device would.
    device.setFaults({
      stall: { pattern: "^show session-config diffs$", ms: 4000 },
    });
    try {
      const running = runNcm([
        "device",
        "diff",
        "leaf1",
        file,
        "--inventory",
        inventory,
      ]);
      const name = await waitUntil(
        "the diff session to be loaded",
        () => device.pendingSessions()[0]?.name,
      );
      assert.match(name, /^ncm-diff-/);
      const minion = createDriver({
        name: "leaf1",
        host: device.host,
        port: device.port,
        platform: "eos",
        username: "admin",
        password: PASSWORD,
        hostKeyPolicy: "known-hosts",
        knownHosts: sims.knownHostsFile,
      });
      try {
        assert.deepEqual(await minion.abortStaleSessions(), []);
      } finally {
        await minion.close();
      }
      const run = await running;
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^\+ +description held$/m);
    } finally {
      device.setFaults({});
    }
    assert.deepEqual(device.pendingSessions(), []);
  });

  it("device diff - no change prints nothing and says so on stderr", async () => {
    const file = await configFile("same.cfg", SEED);
    const run = await runNcm([
      "device",
      "diff",
      "leaf1",
      file,
      "--inventory",
      inventory,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /leaf1: no changes/);
  });

  it("device diff - a rejected line exits 1 with a one-line message naming it", async () => {
    const file = await configFile(
      "bad.cfg",
      SEED.replace("   description old", "   bogus foo"),
    );
    const run = await runNcm([
      "device",
      "diff",
      "leaf1",
      file,
      "--inventory",
      inventory,
    ]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /^ncm: leaf1 rejected line 4 "bogus foo": % Invalid input.*\[EOS_REJECTED_LINE\]\n$/,
    );
    assert.deepEqual(sims.device("leaf1").pendingSessions(), []);
  });

  it("device running - an unreachable device exits 1 with one line", async () => {
    const run = await runNcm([
      "device",
      "running",
      "down",
      "--inventory",
      inventory,
    ]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^ncm: down \(127\.0\.0\.1:\d+\): cannot connect: ECONNREFUSED \[EOS_UNREACHABLE\]\n$/,
    );
  });

  const usage = [
    {
      what: "an unknown device names it and the known ones",
      args: () => ["device", "running", "spine9", "--inventory", inventory],
      stderr:
        /^ncm: unknown device "spine9" in .*inventory\.yml; known: leaf1, down\n$/,
    },
    {
      what: "a missing config file names it",
      args: () => [
        "device",
        "diff",
        "leaf1",
        join(dir, "nope.cfg"),
        "--inventory",
        inventory,
      ],
      stderr: /^ncm: cannot read config file ".*nope\.cfg": ENOENT\n$/,
    },
    {
      what: "no --inventory is refused",
      args: () => ["device", "running", "leaf1"],
      stderr: /required option '--inventory <file>'/,
    },
  ];
  for (const c of usage) {
    it(`device - ${c.what}, exit 2`, async () => {
      const run = await runNcm(c.args());
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, c.stderr);
      assert.equal(run.stdout, "");
    });
  }
});
