import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { type KV, Kvm } from "@nats-io/kv";
import { silentLogger } from "../../core/log.ts";
import { openControl } from "../../core/nats/resources.ts";
import { Minion } from "../../reconciler/minion.ts";
import type { DeviceStatus, NcmEvent } from "../../reconciler/types.ts";
import { runNcm } from "../cli/run-ncm.ts";
import { Lab } from "../harness/lab.ts";
import { readEvents } from "../harness/nats-records.ts";
import { natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";

const CONFIG = new URL(
  "../../examples/avd-lab/configs/leaf1.cfg",
  import.meta.url,
);
/**
 * Switches of other devices, written before leaf1's: a fleet where many
 * devices are paused. Their delivery outlasts the minion's start, which is
 * what made a restarted minion read leaf1's switch too late.
 */
const OTHER_SWITCHES = 20_000;

describe("pause across a restart", {
  skip: natsServerMissing() ?? false,
}, () => {
  let lab: Lab;
  let intended: KV;
  let minion: Minion | undefined;

  const start = async (): Promise<Minion> => {
    minion = await Minion.start({
      nc: lab.nc,
      inventory: lab.inventory,
      name: "pause-minion",
      interval: "0 0 1 1 *",
      commitTimerSeconds: 60,
      log: silentLogger(),
    });
    return minion;
  };
  const ncm = async (...args: string[]): Promise<void> => {
    const run = await runNcm([...args, "--server", lab.server.url]);
    assert.equal(run.code, 0, run.stderr);
  };
  const statusOf = async (device: string): Promise<DeviceStatus | null> => {
    const entry = await (await new Kvm(lab.nc).open("status")).get(device);
    return entry?.operation === "PUT" ? entry.json<DeviceStatus>() : null;
  };

  before(async () => {
    lab = await Lab.start([{ name: "leaf1" }]);
    intended = await new Kvm(lab.nc).create("intended", { history: 64 });
    const control = await openControl(lab.nc);
    const at = new Date().toISOString();
    const value = JSON.stringify({ paused: true, by: "test", at });
    await Promise.all(
      Array.from({ length: OTHER_SWITCHES }, (_, i) =>
        control.put(`other${i}`, value),
      ),
    );
  });
  after(async () => {
    await minion?.stop();
    await lab?.stop();
  });

  it("pause - a restarted minion keeps a paused device paused and changes nothing", async () => {
    const text = await readFile(CONFIG, "utf8");
    const first = await intended.put("leaf1", text);
    await start();
    await waitUntil(
      "leaf1 in sync",
      async () => (await statusOf("leaf1"))?.appliedRevision === first,
    );
    await ncm("pause", "leaf1");
    await waitUntil(
      "leaf1 paused",
      async () => (await statusOf("leaf1"))?.paused === true,
    );
    await minion?.stop();

    const device = lab.sims.device("leaf1");
    const commits = device.counters.commits;
    const running = device.runningConfig();
    const resumedBefore = (await eventsOf("leaf1", "resumed")).length;
    const second = await intended.put(
      "leaf1",
      text.replace("description ROUTER_ID", "description WHILE_PAUSED"),
    );
    const restarted = await start();
    // A pass on the new revision: joins or follows the one the start asked for.
    const outcome = await restarted.reconcile("leaf1");

    assert.equal(outcome.result, "drifted", JSON.stringify(outcome));
    assert.equal(outcome.intendedRevision, second);
    assert.equal(device.counters.commits, commits, "a commit while paused");
    assert.equal(device.runningConfig(), running);
    assert.equal(restarted.status("leaf1")?.paused, true);
    assert.equal((await eventsOf("leaf1", "resumed")).length, resumedBefore);

    await ncm("resume", "leaf1");
    await waitUntil(
      "the change made while paused applied after resume",
      async () => {
        const s = await statusOf("leaf1");
        return s?.appliedRevision === second && s.state === "in-sync";
      },
    );
    assert.match(device.runningConfig(), /description WHILE_PAUSED/);
    assert.equal(device.counters.commits, commits + 1);
    assert.equal(
      (await eventsOf("leaf1", "resumed")).length,
      resumedBefore + 1,
    );
  });

  async function eventsOf(
    device: string,
    kind: NcmEvent["kind"],
  ): Promise<NcmEvent[]> {
    return (await readEvents(lab.nc, device)).filter((e) => e.kind === kind);
  }
});
