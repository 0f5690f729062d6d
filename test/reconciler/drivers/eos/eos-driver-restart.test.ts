import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { NcmError } from "../../../../core/errors.ts";
import { freePort } from "../../../../core/free-port.ts";
import type { DeviceSpec } from "../../../../inventory/types.ts";
import { createDriver } from "../../../../reconciler/drivers/create-driver.ts";
import type { DeviceDriver } from "../../../../reconciler/drivers/types.ts";
import { type NcmProcess, spawnNcm } from "../../../cli/run-ncm.ts";

const PASSWORD = "sim-restart-pw-7";
const SEED =
  "hostname leaf9\n!\ninterface Ethernet1\n   description old\n!\nend\n";

/**
 * The simulator as a real process (`ncm sim`), killed with SIGKILL and
 * started again on the same port with the same state directory: nothing
 * of the old process survives but its host key, as when a switch reboots.
 */
describe("EosDriver and a simulator process that is killed", {
  timeout: 120_000,
}, () => {
  let dir: string;
  let port: number;
  let sim: NcmProcess | undefined;
  let driver: DeviceDriver;

  async function startSim(): Promise<NcmProcess> {
    const started = spawnNcm([
      "sim",
      "--inventory",
      join(dir, "inventory.yml"),
      "--configs",
      join(dir, "configs"),
      "--state-dir",
      join(dir, "state"),
    ]);
    await started.waitFor(/"event":"sim-started"/);
    return started;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-eos-restart-"));
    port = await freePort();
    await writeFile(
      join(dir, "inventory.yml"),
      [
        "defaults: { platform: eos, username: admin }",
        "devices:",
        `  leaf9: { host: 127.0.0.1, port: ${port}, password: ${PASSWORD} }`,
        "",
      ].join("\n"),
    );
    await mkdir(join(dir, "configs"));
    await writeFile(join(dir, "configs", "leaf9.cfg"), SEED);
    sim = await startSim();
    const spec: DeviceSpec = {
      name: "leaf9",
      host: "127.0.0.1",
      port,
      platform: "eos",
      username: "admin",
      password: PASSWORD,
      hostKeyPolicy: "known-hosts",
      knownHosts: join(dir, "state", "known_hosts"),
    };
    driver = createDriver(spec, {
      commandTimeoutMs: 10_000,
      connectTimeoutMs: 10_000,
    });
  });

  after(async () => {
    await driver?.close();
    await sim?.stop("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("eos driver - is unreachable while the killed simulator is down, then reconnects and works", async () => {
    assert.match(await driver.runningConfig(), /description old/);
    const session = await driver.loadReplace(SEED.replace("old", "new"));
    const knownHosts = await readFile(
      join(dir, "state", "known_hosts"),
      "utf8",
    );

    assert.equal(await sim?.stop("SIGKILL"), "SIGKILL");
    sim = undefined;
    // The first call may still meet the dead connection before its close
    // has been read; either way it fails with a retryable, typed error.
    await assert.rejects(driver.runningConfig(), (err: unknown) => {
      assert.ok(err instanceof NcmError, String(err));
      assert.ok(
        err.code === "EOS_CONNECTION_LOST" || err.code === "EOS_UNREACHABLE",
        err.code,
      );
      assert.equal(err.retryable, true);
      return true;
    });
    // By now the old connection is dropped: the next call must connect.
    await assert.rejects(driver.runningConfig(), (err: unknown) => {
      assert.ok(err instanceof NcmError, String(err));
      assert.equal(err.category, "unreachable");
      assert.equal(err.code, "EOS_UNREACHABLE");
      assert.match(
        err.message,
        new RegExp(`127\\.0\\.0\\.1:${port}.*ECONNREFUSED`),
      );
      return true;
    });

    sim = await startSim();
    assert.equal(
      await readFile(join(dir, "state", "known_hosts"), "utf8"),
      knownHosts,
      "the restarted simulator keeps its host key",
    );
    // The known_hosts check passes, over a new connection.
    assert.match(await driver.runningConfig(), /description old/);
    // The session died with the process; the driver says so rather than
    // committing something it can no longer vouch for.
    await assert.rejects(session.commit(), (err: unknown) => {
      return err instanceof NcmError && err.code === "EOS_SESSION_LOST";
    });
    const again = await driver.loadReplace(SEED.replace("old", "new"));
    assert.match(again.diff, /^\+ +description new$/m);
    await again.commit();
    assert.match(await driver.runningConfig(), /description new/);
  });
});
