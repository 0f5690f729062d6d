import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, afterEach, before, describe, it } from "node:test";
import { Kvm, KvWatchInclude } from "@nats-io/kv";
import { silentLogger } from "../../core/log.ts";
import { openControl } from "../../core/nats/resources.ts";
import { Minion, type MinionOptions } from "../../reconciler/minion.ts";
import type { DeviceStatus, NcmEvent } from "../../reconciler/types.ts";
import { Lab } from "../harness/lab.ts";
import { readEvents } from "../harness/nats-records.ts";
import { natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";

const CONFIGS = new URL("../../examples/avd-lab/configs/", import.meta.url);
const config = (name: string): Promise<string> =>
  readFile(new URL(`${name}.cfg`, CONFIGS), "utf8");

/** Every second: drift tests wait at most a few intervals. */
const FAST = "* * * * * *";

/**
 * Hand-made drift to corrected, with FAST: up to 1 s for the next tick,
 * then one pass (running-config read, session load, timed commit,
 * read-back, confirm), which took 0.1-0.3 s here on an idle machine. 2 s
 * of headroom covers a loaded 2-core machine; a pass that waited for a
 * second tick would still fit, but one waiting for several would not.
 */
const CORRECTED_WITHIN_MS = 1_000 + 2_000;

/** A status that claims in-sync while the device is not at the latest revision. */
const lies = (seen: DeviceStatus[]): DeviceStatus[] =>
  seen.filter(
    (s) => s.state === "in-sync" && s.intendedRevision !== s.appliedRevision,
  );

describe("minion", { skip: natsServerMissing() ?? false }, () => {
  let lab: Lab;
  let minion: Minion | undefined;

  before(async () => {
    lab = await Lab.start([
      { name: "spine1" },
      { name: "leaf1" },
      { name: "leaf2" },
    ]);
  });
  afterEach(async () => {
    await minion?.stop();
    minion = undefined;
  });
  after(async () => {
    await lab.stop();
  });

  const start = async (
    options: Partial<MinionOptions> = {},
  ): Promise<Minion> => {
    minion = await Minion.start({
      nc: lab.nc,
      inventory: lab.inventory,
      name: "test-minion",
      interval: "0 0 1 1 *",
      commitTimerSeconds: 60,
      log: silentLogger(),
      ...options,
    });
    return minion;
  };
  const intended = async () => new Kvm(lab.nc).open("intended");
  const status = async (device: string): Promise<DeviceStatus | null> => {
    const entry = await (await new Kvm(lab.nc).open("status")).get(device);
    return entry?.operation === "PUT" ? entry.json<DeviceStatus>() : null;
  };
  const inSyncAt = (device: string, revision: number) =>
    waitUntil(`${device} in sync at revision ${revision}`, async () => {
      const s = await status(device);
      return s?.state === "in-sync" &&
        s.appliedRevision === revision &&
        s.intendedRevision === revision
        ? s
        : null;
    });

  /**
   * Every status value written for `device` while `action` runs and after,
   * up to the first that `done` accepts: watched, so no value is missed
   * between two polls.
   */
  const statusesUntil = async (
    device: string,
    action: () => Promise<unknown>,
    done: (s: DeviceStatus) => boolean,
    timeoutMs = 15_000,
  ): Promise<DeviceStatus[]> => {
    const kv = await new Kvm(lab.nc).open("status");
    const watch = await kv.watch({
      key: device,
      include: KvWatchInclude.UpdatesOnly,
    });
    const timer = setTimeout(() => watch.stop(), timeoutMs);
    const seen: DeviceStatus[] = [];
    try {
      await action();
      for await (const entry of watch) {
        if (entry.operation === "PUT") {
          seen.push(entry.json<DeviceStatus>());
          if (done(seen.at(-1) as DeviceStatus)) {
            return seen;
          }
        }
      }
      throw new Error(
        `timed out after ${timeoutMs} ms; statuses seen: ${JSON.stringify(seen.map(brief))}`,
      );
    } finally {
      clearTimeout(timer);
      watch.stop();
    }
  };
  const setPaused = async (device: string, paused: boolean) => {
    const control = await openControl(lab.nc);
    await control.put(
      device,
      JSON.stringify({ paused, by: "test", at: new Date().toISOString() }),
    );
  };

  it("minion - a KV write reaches its device and status tells the truth", async () => {
    await start();
    const text = await config("leaf1");
    const revision = await (await intended()).put("leaf1", text);
    const s = await inSyncAt("leaf1", revision);
    assert.equal(s.owner, "test-minion");
    assert.equal(s.lastError, null);
    assert.match(lab.sims.device("leaf1").runningConfig(), /router bgp 65101/);
  });

  it("minion - a raw publish to $KV.intended.<device>, as nats kv put does, reaches it", async () => {
    await start();
    const text = (await config("leaf2")).replace(
      "description leaf2_VTEP",
      "description raw_put",
    );
    const reply = await lab.nc.request(
      "$KV.intended.leaf2",
      new TextEncoder().encode(text),
    );
    const revision = (reply.json() as { seq: number }).seq;
    await inSyncAt("leaf2", revision);
    assert.match(
      lab.sims.device("leaf2").runningConfig(),
      /description raw_put/,
    );
  });

  it("minion - drift made by hand is corrected within one interval", async () => {
    const revision = await (await intended()).put(
      "spine1",
      await config("spine1"),
    );
    await start({ interval: FAST });
    await inSyncAt("spine1", revision);
    const device = lab.sims.device("spine1");
    const drifts = (await status("spine1"))?.driftCount ?? 0;
    device.configure("interface Ethernet1\n   description HAND_MADE_DRIFT");
    await waitUntil(
      "drift corrected",
      () => !device.runningConfig().includes("HAND_MADE_DRIFT"),
      CORRECTED_WITHIN_MS,
      10,
    );
    const s = await inSyncAt("spine1", revision);
    assert.equal(s.driftCount, drifts + 1);
  });

  it("minion - a device renamed by hand is renamed back", async () => {
    const revision = await (await intended()).put(
      "spine1",
      await config("spine1"),
    );
    await start({ interval: FAST });
    await inSyncAt("spine1", revision);
    const device = lab.sims.device("spine1");
    device.configure("hostname renamed-by-hand");
    await waitUntil(
      "hostname restored",
      () => /^hostname spine1$/m.test(device.runningConfig()),
      10_000,
    );
    await inSyncAt("spine1", revision);
  });

  it("minion - observe mode reports drift and leaves it alone", async () => {
    const revision = await (await intended()).put(
      "spine1",
      await config("spine1"),
    );
    await start({ interval: FAST });
    await inSyncAt("spine1", revision);
    await minion?.stop();
    const device = lab.sims.device("spine1");
    const commits = device.counters.commits;
    device.configure("interface Ethernet1\n   description OBSERVED_DRIFT");
    await start({ interval: FAST, mode: "observe" });
    const s = await waitUntil("drift reported", async () => {
      const current = await status("spine1");
      return current?.state === "drifted" ? current : null;
    });
    assert.equal(s.mode, "observe");
    assert.match(device.runningConfig(), /OBSERVED_DRIFT/);
    assert.equal(device.counters.commits, commits);
    const events = await eventsOf("spine1");
    const drift = events.filter((e) => e.kind === "drift-detected").at(-1);
    assert.ok(drift && drift.kind === "drift-detected");
    assert.match(drift.diff, /OBSERVED_DRIFT/);
    device.configure("interface Ethernet1\n   no description OBSERVED_DRIFT");
  });

  it("minion - a burst of 50 writes ends on the last with at most 3 commits", async () => {
    await start();
    const kv = await intended();
    const base = await config("leaf1");
    const device = lab.sims.device("leaf1");
    await inSyncAt("leaf1", (await kv.get("leaf1"))?.revision ?? 0);
    const commits = device.counters.commits;
    let last = 0;
    for (let i = 1; i <= 50; i++) {
      last = await kv.put(
        "leaf1",
        base.replace("description ROUTER_ID", `description BURST_${i}`),
      );
    }
    await inSyncAt("leaf1", last);
    assert.match(device.runningConfig(), /description BURST_50\b/);
    const made = device.counters.commits - commits;
    assert.ok(made >= 1 && made <= 3, `expected 1 to 3 commits, got ${made}`);
  });

  it("minion - events record real drift and the applied change with its revision", async () => {
    await start({ interval: FAST });
    const base = await config("leaf1");
    const revision = await (await intended()).put(
      "leaf1",
      base.replace("description ROUTER_ID", "description EVENTS_TEST"),
    );
    const synced = await inSyncAt("leaf1", revision);
    const device = lab.sims.device("leaf1");

    device.configure("interface Ethernet1\n   description EVENTS_DRIFT");
    await waitUntil(
      "drift corrected",
      () => !device.runningConfig().includes("EVENTS_DRIFT"),
    );
    const s = await inSyncAt("leaf1", revision);

    assert.equal(s.driftCount, synced.driftCount + 1);
    const events = (await eventsOf("leaf1")).filter(
      (e) => e.intendedRevision === revision,
    );
    assert.deepEqual(
      events.map((e) => e.kind),
      ["applied", "drift-detected", "applied"],
    );
    const [change, drift, correction] = events;
    assert.ok(change?.kind === "applied");
    assert.match(change.diff, /^\+.*EVENTS_TEST/m);
    assert.doesNotMatch(change.diff, /\$6\$/, "secrets are masked in events");
    assert.ok(drift?.kind === "drift-detected");
    assert.equal(drift.outOfBand, true);
    assert.match(drift.diff, /^-.*EVENTS_DRIFT/m);
    assert.ok(correction?.kind === "applied");
    assert.equal(correction.diff, drift.diff);
  });

  it("minion - a new revision is applied as a change, not counted as drift", async () => {
    await start();
    const kv = await intended();
    const base = await config("leaf1");
    const first = await kv.put(
      "leaf1",
      base.replace("description ROUTER_ID", "description CHANGE_A"),
    );
    const before = await inSyncAt("leaf1", first);

    const revision = await kv.put(
      "leaf1",
      base.replace("description ROUTER_ID", "description CHANGE_B"),
    );
    const seen = await statusesUntil(
      "leaf1",
      async () => undefined,
      (s) => s.state === "in-sync" && s.appliedRevision === revision,
    );

    assert.equal(seen.at(-1)?.driftCount, before.driftCount);
    const kinds = (await eventsOf("leaf1"))
      .filter((e) => e.intendedRevision === revision)
      .map((e) => e.kind);
    assert.deepEqual(kinds, ["applied"]);
  });

  const honestStates = [
    {
      mode: "enforce",
      paused: false,
      // Applied, and seen applying on the way.
      on: (s: DeviceStatus, r: number) =>
        s.state === "in-sync" && s.appliedRevision === r,
      passing: "applying",
    },
    {
      mode: "observe",
      paused: false,
      on: (s: DeviceStatus, r: number) =>
        s.state === "drifted" && s.intendedRevision === r,
      passing: "unknown",
    },
    {
      mode: "enforce",
      paused: true,
      on: (s: DeviceStatus, r: number) =>
        s.state === "drifted" && s.intendedRevision === r,
      passing: "paused",
    },
  ] as const;
  for (const variant of honestStates) {
    const label = variant.paused ? "paused" : `${variant.mode} mode`;
    const tag = label.replace(" mode", "").toUpperCase();
    it(`minion - status is never in-sync while a new revision is not on the device (${label})`, async (t) => {
      const kv = await intended();
      const base = await config("leaf2");
      const first = await kv.put(
        "leaf2",
        base.replace("description leaf2_VTEP", `description ${tag}_A`),
      );
      await start();
      const before = await inSyncAt("leaf2", first);
      await minion?.stop();
      if (variant.paused) {
        await setPaused("leaf2", true);
        t.after(() => setPaused("leaf2", false));
      }
      await start({ mode: variant.mode });
      // The restarted minion's first pass is done: what follows is the change.
      await minion?.reconcile("leaf2");
      let revision = 0;

      const seen = await statusesUntil(
        "leaf2",
        async () => {
          revision = await kv.put(
            "leaf2",
            base.replace("description leaf2_VTEP", `description ${tag}_B`),
          );
        },
        (s) => variant.on(s, revision),
      );

      assert.deepEqual(lies(seen).map(brief), []);
      assert.ok(
        seen.some(
          (s) => s.state === variant.passing && s.intendedRevision === revision,
        ),
        `expected ${variant.passing} on the way: ${JSON.stringify(seen.map(brief))}`,
      );
      assert.equal(seen.at(-1)?.driftCount, before.driftCount);
      const events = (await eventsOf("leaf2")).filter(
        (e) => e.intendedRevision === revision,
      );
      const drift = events.find((e) => e.kind === "drift-detected");
      if (variant.mode === "enforce" && !variant.paused) {
        assert.equal(drift, undefined, "a change applied is no drift");
        return;
      }
      // Not applied: the difference is still reported, with its diff.
      assert.ok(drift?.kind === "drift-detected");
      assert.equal(drift.outOfBand, false);
      assert.match(drift.diff, new RegExp(`^\\+.*${tag}_B`, "m"));
      if (variant.paused) {
        await setPaused("leaf2", false);
        await inSyncAt("leaf2", revision);
      }
    });
  }

  it("minion - a dry run whose abort fails leaves no session behind", async () => {
    const kv = await intended();
    const revision = await kv.put("leaf1", await config("leaf1"));
    await start();
    await inSyncAt("leaf1", revision);
    const device = lab.sims.device("leaf1");
    const diff = () =>
      lab.nc.request("ncm.leaf1.diff", new Uint8Array(), { timeout: 30_000 });

    // EOS keeps at most 5 pending sessions: one leaked a dry run would
    // leave 6 dry runs unable to open a session.
    device.setFaults({ dropOn: "abort" });
    for (let i = 0; i < 6; i++) {
      await diff();
    }
    device.setFaults({});
    const reply = await diff();

    assert.equal(reply.headers?.get("Nats-Service-Error-Code"), undefined);
    assert.equal(reply.json<{ changed: boolean }>().changed, false);
    assert.deepEqual(device.pendingSessions(), []);
  });

  it("minion - a restarted minion opens no session on devices in sync", async () => {
    await start();
    const kv = await intended();
    for (const name of ["spine1", "leaf1", "leaf2"]) {
      const entry = await kv.get(name);
      await inSyncAt(name, entry?.revision ?? -1);
    }
    await minion?.stop();
    const before = lab.sims.devices.map((d) => ({ ...d.counters }));
    await start();
    const outcomes = await minion!.reconcileAll();
    assert.deepEqual(
      outcomes.map((o) => o.result),
      ["in-sync", "in-sync", "in-sync"],
    );
    lab.sims.devices.forEach((d, i) => {
      assert.equal(
        d.counters.sessionsOpened,
        before[i]?.sessionsOpened,
        `${d.name} opened a session`,
      );
      assert.equal(
        d.counters.commits,
        before[i]?.commits,
        `${d.name} got a commit`,
      );
    });
  });

  it("minion - a second minion under a running minion's name is refused and takes nothing", async () => {
    const first = await start({ leaseMs: 3_000 });
    const minions = await new Kvm(lab.nc).open("minions");
    const record = async () =>
      (await minions.get("test-minion"))?.json<{ instance: string }>();
    const before = await record();

    await assert.rejects(
      Minion.start({
        nc: lab.nc,
        inventory: lab.inventory,
        name: "test-minion",
        interval: "0 0 1 1 *",
        commitTimerSeconds: 60,
        leaseMs: 3_000,
        log: silentLogger(),
      }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, "DUPLICATE_NAME");
        assert.match(err.message, /different --name/);
        return true;
      },
    );
    // The refused one left the running one's record and devices alone.
    assert.equal((await record())?.instance, before?.instance);
    assert.equal(minion, first);
    const owners = await new Kvm(lab.nc).open("owners");
    for (const name of ["spine1", "leaf1", "leaf2"]) {
      const lease = (await owners.get(name))?.json<{ owner: string }>();
      assert.equal(lease?.owner, "test-minion");
    }
  });

  it("minion - a config that would remove ncm's login user is refused", async () => {
    await start();
    const device = lab.sims.device("leaf2");
    const running = device.runningConfig();
    const text = (await config("leaf2")).replace(
      /^username admin .*$/m,
      "username someone-else privilege 15 nopassword",
    );
    const revision = await (await intended()).put("leaf2", text);
    const s = await waitUntil("lockout refused", async () => {
      const current = await status("leaf2");
      return current?.intendedRevision === revision &&
        current.state === "failed"
        ? current
        : null;
    });
    assert.equal(s.lastErrorCode, "LOCKOUT_GUARD");
    assert.match(s.lastError ?? "", /username admin/);
    assert.equal(device.runningConfig(), running);
    assert.deepEqual(device.pendingSessions(), []);
    await (await intended()).put("leaf2", await config("leaf2"));
  });

  it("minion - a deleted intended key leaves the device untouched", async () => {
    await start();
    const kv = await intended();
    await inSyncAt("leaf2", (await kv.get("leaf2"))?.revision ?? -1);
    const device = lab.sims.device("leaf2");
    const running = device.runningConfig();
    const commits = device.counters.commits;
    await kv.delete("leaf2");
    await waitUntil(
      "leaf2 unmanaged",
      async () => (await status("leaf2"))?.state === "unknown",
    );
    const outcome = await minion!.reconcile("leaf2");
    assert.equal(outcome.result, "unmanaged");
    assert.equal(device.runningConfig(), running);
    assert.equal(device.counters.commits, commits);
  });

  function brief(s: DeviceStatus): string {
    return `${s.state} ${s.intendedRevision}/${s.appliedRevision}`;
  }

  const eventsOf = (device: string): Promise<NcmEvent[]> =>
    readEvents(lab.nc, device);
});
