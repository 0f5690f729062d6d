import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { type KV, Kvm } from "@nats-io/kv";
import type { DeviceStatus } from "../../reconciler/types.ts";
import { type NcmProcess, spawnNcm } from "../cli/run-ncm.ts";
import { Lab } from "../harness/lab.ts";
import { natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";

const CONFIGS = new URL("../../examples/avd-lab/configs/", import.meta.url);
const TIMER_S = 3;

describe("minion crash", { skip: natsServerMissing() ?? false }, () => {
  let lab: Lab;
  let intended: KV;
  let status: KV;
  const running: NcmProcess[] = [];

  const startMinion = (): NcmProcess => {
    const minion = spawnNcm([
      "minion",
      "--inventory",
      lab.inventoryFile,
      "--server",
      lab.server.url,
      "--commit-timer",
      String(TIMER_S),
      "--lease",
      "2",
      "--interval",
      "*/2 * * * * *",
    ]);
    running.push(minion);
    return minion;
  };
  const statusOf = async (device: string): Promise<DeviceStatus | null> => {
    const entry = await status.get(device);
    return entry?.operation === "PUT" ? entry.json<DeviceStatus>() : null;
  };
  /** Kills the minion the moment the device holds a commit awaiting confirmation. */
  const killDuringTimer = async (
    minion: NcmProcess,
    device: string,
  ): Promise<void> => {
    const sim = lab.sims.device(device);
    // The confirmation is held back, so the minion is caught between
    // `commit timer` and `configure session NAME commit`.
    sim.setFaults({
      stall: { pattern: "^configure session \\S+ commit$", ms: 5_000 },
    });
    await waitUntil(
      "a commit awaiting confirmation",
      () =>
        sim.pendingSessions().some((s) => s.state === "pending-commit-timer"),
      30_000,
      10,
    );
    await minion.stop("SIGKILL");
    sim.setFaults({});
  };

  before(async () => {
    lab = await Lab.start([{ name: "leaf1" }, { name: "leaf2" }]);
    intended = await new Kvm(lab.nc).create("intended", { history: 64 });
    status = await new Kvm(lab.nc).create("status", { history: 1 });
  });
  after(async () => {
    await Promise.all(running.map((m) => m.stop("SIGKILL")));
    await lab?.stop();
  });

  it("crash - a minion killed between commit and confirmation: the device reverts by itself", async () => {
    const device = lab.sims.device("leaf1");
    const before = device.runningConfig();
    await intended.put(
      "leaf1",
      await readFile(new URL("leaf1.cfg", CONFIGS), "utf8"),
    );
    await killDuringTimer(startMinion(), "leaf1");
    assert.notEqual(
      device.runningConfig(),
      before,
      "the commit had taken effect",
    );

    await waitUntil(
      "the commit timer reverted",
      () => device.pendingSessions().length === 0,
      TIMER_S * 1000 + 10_000,
    );
    assert.equal(device.runningConfig(), before);
  });

  it("crash - a restarted minion cleans up after a crash mid-commit and reconciles", async () => {
    const device = lab.sims.device("leaf2");
    const revision = await intended.put(
      "leaf2",
      await readFile(new URL("leaf2.cfg", CONFIGS), "utf8"),
    );
    await killDuringTimer(startMinion(), "leaf2");

    startMinion();
    await waitUntil(
      "leaf2 in sync after the restart",
      async () => {
        const s = await statusOf("leaf2");
        return s?.state === "in-sync" && s.appliedRevision === revision;
      },
      30_000,
      200,
    );
    assert.deepEqual(device.pendingSessions(), []);
    assert.match(device.runningConfig(), /router bgp 65102/);
    // leaf1, left reverted by the first crash, is brought back too.
    await waitUntil(
      "leaf1 in sync",
      async () => (await statusOf("leaf1"))?.state === "in-sync",
      30_000,
      200,
    );
    assert.deepEqual(lab.sims.device("leaf1").pendingSessions(), []);
  });
});
