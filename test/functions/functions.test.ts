import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { type KV, Kvm } from "@nats-io/kv";
import type { Msg } from "@nats-io/nats-core";
import { ServiceErrorCodeHeader, ServiceErrorHeader } from "@nats-io/services";
import { silentLogger } from "../../core/log.ts";
import { ERROR_CODE_HEADER, FUNCTION_NAMES } from "../../functions/types.ts";
import { Minion } from "../../reconciler/minion.ts";
import type { DeviceStatus, ReconcileOutcome } from "../../reconciler/types.ts";
import { runNcm } from "../cli/run-ncm.ts";
import { Lab } from "../harness/lab.ts";
import { natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";

const CONFIGS = new URL("../../examples/avd-lab/configs/", import.meta.url);
const config = (name: string): Promise<string> =>
  readFile(new URL(`${name}.cfg`, CONFIGS), "utf8");
const encoder = new TextEncoder();

describe("functions over NATS", { skip: natsServerMissing() ?? false }, () => {
  let lab: Lab;
  let minion: Minion;
  let intended: KV;
  let status: KV;

  const request = (subject: string, body = ""): Promise<Msg> =>
    lab.nc.request(subject, encoder.encode(body), { timeout: 30_000 });
  const statusOf = async (device: string): Promise<DeviceStatus | null> => {
    const entry = await status.get(device);
    return entry?.operation === "PUT" ? entry.json<DeviceStatus>() : null;
  };
  const inSyncAt = (device: string, revision: number) =>
    waitUntil(`${device} in sync at ${revision}`, async () => {
      const s = await statusOf(device);
      return s?.state === "in-sync" && s.appliedRevision === revision;
    });
  const ncm = (...args: string[]) =>
    runNcm([...args, "--server", lab.server.url]);

  before(async () => {
    lab = await Lab.start([{ name: "leaf1" }, { name: "leaf2" }]);
    const kvm = new Kvm(lab.nc);
    intended = await kvm.create("intended", { history: 64 });
    status = await kvm.create("status", { history: 1 });
    minion = await Minion.start({
      nc: lab.nc,
      inventory: lab.inventory,
      name: "fn-minion",
      interval: "0 0 1 1 *",
      prefix: "dc1",
      log: silentLogger(),
    });
  });
  after(async () => {
    await minion?.stop();
    await lab?.stop();
  });

  it("functions - $SRV.INFO.ncm lists the five endpoints", async () => {
    const info = (await request("$SRV.INFO.ncm")).json<{
      endpoints: { name: string; subject: string }[];
    }>();
    assert.deepEqual(
      info.endpoints.map((e) => e.name).sort(),
      [...FUNCTION_NAMES].sort(),
    );
    assert.ok(info.endpoints.every((e) => e.subject.startsWith("dc1.*.")));
  });

  it("functions - configure writes intended and replies with the revision", async () => {
    const reply = (
      await request("dc1.leaf1.configure", await config("leaf1"))
    ).json<{ revision: number; changed: boolean }>();
    assert.equal(reply.changed, true);
    assert.equal((await intended.get("leaf1"))?.revision, reply.revision);
    await inSyncAt("leaf1", reply.revision);
  });

  it("functions - a raw config published without a reply to dc1.leaf2.configure lands in intended and on leaf2", async () => {
    const text = (await config("leaf2")).replace(
      "description leaf2_VTEP",
      "description RAW_PUBLISH",
    );
    lab.nc.publish("dc1.leaf2.configure", encoder.encode(text));
    const revision = await waitUntil("raw publish stored", async () => {
      const entry = await intended.get("leaf2");
      return entry?.string().includes("RAW_PUBLISH") ? entry.revision : null;
    });
    await inSyncAt("leaf2", revision);
    assert.match(
      lab.sims.device("leaf2").runningConfig(),
      /description RAW_PUBLISH/,
    );
  });

  it("functions - diff replies with the device-side diff and never commits", async () => {
    const device = lab.sims.device("leaf1");
    device.configure("interface Ethernet1\n   description DIFF_ME");
    const commits = device.counters.commits;
    const reply = (await request("dc1.leaf1.diff")).json<{
      changed: boolean;
      diff: string;
    }>();
    assert.equal(reply.changed, true);
    assert.match(reply.diff, /^-.*DIFF_ME/m);
    assert.equal(device.counters.commits, commits);
    assert.deepEqual(device.pendingSessions(), []);
  });

  it("functions - reconcile replies with the outcome after correcting drift", async () => {
    const outcome = (
      await request("dc1.leaf1.reconcile")
    ).json<ReconcileOutcome>();
    assert.equal(outcome.result, "applied");
    assert.doesNotMatch(lab.sims.device("leaf1").runningConfig(), /DIFF_ME/);
  });

  it("functions - backup replies with the running-config and keeps it with history", async () => {
    const reply = (await request("dc1.leaf1.backup")).string();
    assert.match(reply, /^! Command: show running-config/);
    const backups = await new Kvm(lab.nc).open("backups");
    assert.equal((await backups.get("leaf1"))?.string(), reply);
  });

  it("functions - check replies with a result per check", async () => {
    const reply = (await request("dc1.leaf1.check")).json<{
      ok: boolean;
      checks: { name: string; ok: boolean }[];
    }>();
    assert.deepEqual(
      reply.checks.map((c) => c.name),
      ["reachable", "in-sync", "no-pending-commit", "bgp-peers"],
    );
    assert.equal(reply.ok, true);
    const one = (await request("dc1.leaf1.check", "reachable")).json<{
      checks: { name: string }[];
    }>();
    assert.deepEqual(
      one.checks.map((c) => c.name),
      ["reachable"],
    );
  });

  it("functions - errors carry the service error headers and a code", async () => {
    const msg = await request("dc1.leaf1.configure", "   ");
    assert.equal(msg.headers?.get(ServiceErrorCodeHeader), "400");
    assert.match(msg.headers?.get(ServiceErrorHeader) ?? "", /empty/);
    assert.equal(msg.headers?.get(ERROR_CODE_HEADER), "CONFIG_EMPTY");
    const unknown = await request("dc1.leaf1.check", "bogus-check");
    assert.equal(unknown.headers?.get(ServiceErrorCodeHeader), "400");
  });

  it("functions - a paused device is not changed, diff shows the pending change, resume applies it", async () => {
    const device = lab.sims.device("leaf2");
    assert.equal((await ncm("--prefix", "dc1", "pause", "leaf2")).code, 0);
    await waitUntil(
      "leaf2 paused",
      async () => (await statusOf("leaf2"))?.paused === true,
    );
    const text = (await config("leaf2")).replace(
      "description leaf2_VTEP",
      "description WHILE_PAUSED",
    );
    const revision = await intended.put("leaf2", text);
    const outcome = (
      await request("dc1.leaf2.reconcile")
    ).json<ReconcileOutcome>();
    assert.equal(outcome.result, "drifted");
    assert.doesNotMatch(device.runningConfig(), /WHILE_PAUSED/);
    const diff = await ncm("--prefix", "dc1", "diff", "leaf2");
    assert.equal(diff.code, 0);
    assert.match(diff.stdout, /^\+.*WHILE_PAUSED/m);

    assert.equal((await ncm("--prefix", "dc1", "resume", "leaf2")).code, 0);
    await inSyncAt("leaf2", revision);
    assert.match(device.runningConfig(), /WHILE_PAUSED/);
  });

  it("functions - rollback brings an old revision back to the device", async () => {
    const device = lab.sims.device("leaf2");
    const old = (await intended.get("leaf2"))?.revision ?? -1;
    const changed = (await config("leaf2")).replace(
      "description leaf2_VTEP",
      "description AFTER_OLD",
    );
    const newer = await intended.put("leaf2", changed);
    await inSyncAt("leaf2", newer);
    const rollback = await ncm("rollback", "leaf2", "--revision", String(old));
    assert.equal(rollback.code, 0, rollback.stderr);
    const restored = (await intended.get("leaf2"))?.revision ?? -1;
    assert.ok(restored > newer);
    await inSyncAt("leaf2", restored);
    assert.match(device.runningConfig(), /WHILE_PAUSED/);
    assert.doesNotMatch(device.runningConfig(), /AFTER_OLD/);
  });

  it("functions - ncm status --json is valid JSON with every device", async () => {
    const run = await ncm("status", "--json");
    assert.equal(run.code, 0);
    const statuses = JSON.parse(run.stdout) as DeviceStatus[];
    assert.deepEqual(statuses.map((s) => s.device).sort(), ["leaf1", "leaf2"]);
  });

  const usageErrors = [
    { what: "an unknown option", args: ["status", "--bogus"] },
    { what: "a misspelt option", args: ["status", "--jsn"] },
    { what: "an unknown command", args: ["frobnicate"] },
    { what: "a missing argument", args: ["diff"] },
    { what: "a missing required option", args: ["rollback", "leaf2"] },
    { what: "too many arguments", args: ["diff", "leaf1", "leaf2"] },
    {
      what: "a malformed value",
      args: ["rollback", "leaf2", "--revision", "minus-one"],
    },
  ];
  for (const c of usageErrors) {
    it(`functions - ${c.what} exits 2 with a one-line reason`, async () => {
      const run = await ncm(...c.args);
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /^ncm: \S.*\n$/);
      assert.equal(
        run.stderr.split("\n").filter((line) => line.trim() !== "").length,
        1,
        run.stderr,
      );
    });
  }
});
