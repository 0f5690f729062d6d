import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KV } from "@nats-io/kv";
import { silentLogger } from "../../core/log.ts";
import {
  openIntended,
  openMinions,
  openOwners,
} from "../../core/nats/resources.ts";
import { Minion } from "../../reconciler/minion.ts";
import { Lab } from "../harness/lab.ts";
import { natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";
import { runNcm, spawnNcm } from "./run-ncm.ts";

/** Far below the 120 s a request waits for a minion by default. */
const FAST_MS = 15_000;
/** Intended configs of devices that are in no minion's inventory. */
const ORPHANS = Array.from({ length: 40 }, (_, i) => `orphan${i + 1}`);

describe("functions of a device no live minion owns", {
  skip: natsServerMissing() ?? false,
}, () => {
  let lab: Lab;
  let minion: Minion;
  let intended: KV;
  let owners: KV;
  const ncm = (...args: string[]) =>
    runNcm(["--server", lab.server.url, ...args]);
  const ownerOf = async (device: string) =>
    (await owners.get(device))?.json<{ owner: string | null }>().owner;
  const timed = async (...args: string[]) => {
    const started = Date.now();
    const run = await ncm(...args);
    return { ...run, ms: Date.now() - started };
  };

  before(async () => {
    lab = await Lab.start([{ name: "leaf1" }, { name: "leaf2" }]);
    intended = await openIntended(lab.nc);
    owners = await openOwners(lab.nc);
    await intended.put("leaf1", lab.sims.device("leaf1").runningConfig());
    minion = await Minion.start({
      nc: lab.nc,
      inventory: lab.inventory,
      devices: ["leaf1"],
      name: "owner-a",
      interval: "0 0 1 1 *",
      log: silentLogger(),
    });
    await waitUntil(
      "owner-a owns leaf1",
      async () => (await ownerOf("leaf1")) === "owner-a",
    );
  });
  after(async () => {
    await minion?.stop();
    await lab?.stop();
  });

  it("diff - a device the running minion does not own fails at once with NO_MINION", async () => {
    const [owned, orphan] = await Promise.all([
      timed("diff", "leaf1"),
      timed("diff", "leaf9"),
    ]);

    assert.equal(owned.code, 0, owned.stderr);
    assert.equal(orphan.code, 1);
    assert.equal(orphan.stdout, "");
    assert.equal(
      orphan.stderr,
      "ncm: no minion serves leaf9 on subject ncm.leaf9.diff: no running " +
        "minion owns it (is a minion running with leaf9 in its inventory?) " +
        "[NO_MINION]\n",
    );
    assert.ok(orphan.ms < FAST_MS, `took ${orphan.ms} ms`);
  });

  it("reconcile --all - intended configs of devices in no inventory fail at once, the owned one is reconciled", async () => {
    await Promise.all(ORPHANS.map((d) => intended.put(d, `hostname ${d}\n`)));
    const run = await timed("reconcile", "--all", "--json");

    assert.equal(run.code, 1, run.stderr);
    assert.ok(run.ms < FAST_MS, `took ${run.ms} ms`);
    const outcomes = JSON.parse(run.stdout) as {
      device: string;
      result: string;
      error?: { code: string };
    }[];
    const byDevice = new Map(outcomes.map((o) => [o.device, o]));
    assert.equal(byDevice.get("leaf1")?.result, "in-sync");
    for (const device of ORPHANS) {
      assert.equal(byDevice.get(device)?.error?.code, "NO_MINION", device);
    }
  });

  it("diff - a device whose owner was killed fails with NO_MINION naming the silent owner", async () => {
    const other = spawnNcm([
      "minion",
      "--server",
      lab.server.url,
      "--inventory",
      lab.inventoryFile,
      "--devices",
      "leaf2",
      "--name",
      "owner-b",
      "--lease",
      "2",
      "--interval",
      "0 0 1 1 *",
    ]);
    try {
      await waitUntil(
        "owner-b owns leaf2",
        async () => (await ownerOf("leaf2")) === "owner-b",
        30_000,
      );
    } finally {
      await other.stop("SIGKILL");
    }
    // Nothing announces a missed heartbeat: wait until the last one is
    // older than twice the lease, the most a live minion's can be.
    const minions = await openMinions(lab.nc);
    const last = (await minions.get("owner-b"))?.json<{
      heartbeatAt: string;
    }>();
    await waitUntil(
      "owner-b's heartbeat stale",
      () => Date.now() - Date.parse(last?.heartbeatAt ?? "") > 4_000,
    );

    const run = await timed("diff", "leaf2");
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^ncm: no minion serves leaf2 on subject ncm\.leaf2\.diff: its owner owner-b has sent no heartbeat since \S+ \(is a minion running with leaf2 in its inventory\?\) \[NO_MINION\]\n$/,
    );
    assert.ok(run.ms < FAST_MS, `took ${run.ms} ms`);
  });
});
