import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../../core/free-port.ts";
import { leaf1Fixture } from "../../clab/sim/avd-fixtures.ts";
import { connect, exec } from "../../clab/sim/ssh-test-client.ts";
import { waitUntil } from "../../harness/wait.ts";
import { type NcmProcess, runNcm, spawnNcm } from "../run-ncm.ts";

const PASSWORD = "sim-cli-secret";

function inventory(ports: number[], leaf1Faults: string): string {
  return [
    "defaults:",
    "  platform: eos",
    "  username: admin",
    // The inventory's own ${VAR} expansion, not a template placeholder.
    `  password: \${SIM_CLI_PASSWORD}`,
    "devices:",
    `  leaf1: { host: 127.0.0.1, port: ${ports[0]}, sim: ${leaf1Faults} }`,
    `  leaf2: { host: 127.0.0.1, port: ${ports[1]} }`,
    `  frr1: { host: 127.0.0.1, port: ${ports[2]}, platform: frr }`,
    "",
  ].join("\n");
}

describe("ncm sim", { timeout: 60_000 }, () => {
  let dir: string;
  let file: string;
  let ports: number[];
  let sim: NcmProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-sim-cli-"));
    ports = [await freePort(), await freePort(), await freePort()];
    file = join(dir, "inventory.yml");
    await writeFile(file, inventory(ports, "{}"));
    await mkdir(join(dir, "configs"));
    await writeFile(join(dir, "configs", "leaf1.cfg"), leaf1Fixture());
    sim = spawnNcm(
      [
        "sim",
        "--inventory",
        file,
        "--configs",
        join(dir, "configs"),
        "--state-dir",
        join(dir, "state"),
        "--log-level",
        "debug",
      ],
      { SIM_CLI_PASSWORD: PASSWORD },
    );
    await sim.waitFor(/"event":"sim-started"/);
  });

  after(async () => {
    await sim?.stop("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  const login = (port: number) => ({
    host: "127.0.0.1",
    port,
    username: "admin",
    password: PASSWORD,
  });

  it("sim - eos devices listen, frr devices are skipped, with logs", async () => {
    const { stderr } = sim.output();
    assert.match(stderr, /"event":"sim-device-skipped","device":"frr1"/);
    assert.match(stderr, /"event":"sim-listening","device":"leaf1"/);
    assert.match(stderr, /"event":"sim-started","devices":2/);
    assert.doesNotMatch(stderr, new RegExp(PASSWORD));
  });

  it("sim - devices are seeded from --configs, or get a minimal config", async () => {
    const leaf1 = await connect(login(ports[0]!));
    const running = await exec(leaf1, "show running-config");
    leaf1.end();
    assert.match(running.output, /^router bgp 65101$/m);
    const leaf2 = await connect(login(ports[1]!));
    const minimal = await exec(leaf2, "show running-config");
    leaf2.end();
    assert.match(minimal.output, /\n!\nhostname leaf2\n!\nend\n$/);
  });

  it("sim - known_hosts in the state directory pins each device", async () => {
    const text = await readFile(join(dir, "state", "known_hosts"), "utf8");
    const line = text
      .split("\n")
      .find((l) => l.startsWith(`[127.0.0.1]:${ports[0]} `));
    assert.ok(line !== undefined, text);
    const hostKey = line.split(" ").slice(1).join(" ");
    const client = await connect({ ...login(ports[0]!), hostKey });
    client.end();
  });

  it("sim - SIGHUP applies changed fault switches", async () => {
    await writeFile(file, inventory(ports, "{ refuse_auth: true }"));
    process.kill(sim.pid, "SIGHUP");
    await sim.waitFor(
      /"event":"sim-faults-set","device":"leaf1","faults":\{"refuseAuth":true\}/,
    );
    await assert.rejects(
      connect(login(ports[0]!)),
      /authentication methods failed/,
    );
    await writeFile(file, inventory(ports, "{}"));
    process.kill(sim.pid, "SIGHUP");
    await waitUntil(
      "leaf1 to accept logins again",
      async () => {
        const client = await connect(login(ports[0]!));
        client.end();
        return true;
      },
      10_000,
    );
  });

  it("sim - SIGTERM stops cleanly with exit status 0", async () => {
    assert.equal(await sim.stop("SIGTERM"), 0);
    assert.match(sim.output().stderr, /"event":"sim-stopped"/);
  });
});

describe("ncm sim usage errors", () => {
  it("sim - a missing --configs directory is a usage error", async () => {
    const run = await runNcm([
      "sim",
      "--inventory",
      "/nonexistent/inventory.yml",
      "--configs",
      "/nonexistent/configs",
    ]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /invalid --configs "\/nonexistent\/configs": expected an existing directory/,
    );
  });

  it("sim - --inventory is required", async () => {
    const run = await runNcm(["sim"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--inventory/);
  });
});
