import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type KV, Kvm } from "@nats-io/kv";
import type { DeviceStatus } from "../../reconciler/types.ts";
import { type NcmProcess, spawnNcm } from "../cli/run-ncm.ts";
import { Lab } from "../harness/lab.ts";
import { natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";

const CONFIGS = new URL("../../examples/avd-lab/configs/", import.meta.url);
/**
 * Longer than the lease and than several reconnect attempts. Set
 * NCM_OUTAGE_MS=120000 to run the same test through a two-minute outage.
 */
const OUTAGE_MS = Number(process.env.NCM_OUTAGE_MS ?? 12_000);

describe("NATS outage", { skip: natsServerMissing() ?? false }, () => {
  let lab: Lab;
  let configs: string;
  let minion: NcmProcess;
  let watcher: NcmProcess;

  const kv = (name: string): Promise<KV> => new Kvm(lab.nc).open(name);
  const statusOf = async (device: string): Promise<DeviceStatus | null> => {
    const entry = await (await kv("status")).get(device);
    return entry?.operation === "PUT" ? entry.json<DeviceStatus>() : null;
  };
  const inSyncAt = (device: string, revision: number) =>
    waitUntil(
      `${device} in sync at ${revision}`,
      async () => {
        const s = await statusOf(device);
        return s?.state === "in-sync" && s.appliedRevision === revision;
      },
      30_000,
      200,
    );

  before(async () => {
    lab = await Lab.start([{ name: "leaf1" }, { name: "leaf2" }]);
    configs = join(lab.dir, "configs");
    await mkdir(configs);
    for (const name of ["leaf1", "leaf2"]) {
      await writeFile(
        join(configs, `${name}.cfg`),
        await readFile(new URL(`${name}.cfg`, CONFIGS)),
      );
    }
    const server = ["--server", lab.server.url];
    watcher = spawnNcm(["watch", configs, ...server]);
    minion = spawnNcm([
      "minion",
      "--inventory",
      lab.inventoryFile,
      "--interval",
      "*/2 * * * * *",
      "--lease",
      "3",
      ...server,
    ]);
  });
  after(async () => {
    await minion?.stop();
    await watcher?.stop();
    await lab?.stop();
  });

  it("outage - minion and watcher ride out a SIGKILLed nats-server and lose nothing", {
    timeout: OUTAGE_MS + 120_000,
  }, async () => {
    const intended = await kv("intended");
    const first = (
      await waitUntil("leaf1 published", () => intended.get("leaf1"))
    )?.revision;
    await inSyncAt("leaf1", first);
    await inSyncAt("leaf2", (await intended.get("leaf2"))?.revision ?? -1);

    await lab.server.kill("SIGKILL");
    const text = (await readFile(join(configs, "leaf1.cfg"), "utf8")).replace(
      "description ROUTER_ID",
      "description WRITTEN_DURING_OUTAGE",
    );
    await writeFile(join(configs, "leaf1.cfg"), text);
    lab.sims
      .device("leaf2")
      .configure("interface Ethernet1\n   description DRIFT_DURING_OUTAGE");
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await lab.server.resume();

    const latest = await waitUntil(
      "the edit made during the outage published",
      async () => {
        const entry = await (await kv("intended")).get("leaf1");
        return entry?.string().includes("WRITTEN_DURING_OUTAGE")
          ? entry.revision
          : null;
      },
      30_000,
      200,
    );
    await inSyncAt("leaf1", latest);
    assert.match(
      lab.sims.device("leaf1").runningConfig(),
      /WRITTEN_DURING_OUTAGE/,
    );
    await waitUntil(
      "drift made during the outage corrected",
      () =>
        !lab.sims
          .device("leaf2")
          .runningConfig()
          .includes("DRIFT_DURING_OUTAGE"),
      30_000,
      200,
    );
    const history = [];
    for await (const entry of await (await kv("intended")).history({
      key: "leaf1",
    })) {
      history.push(entry.revision);
    }
    assert.ok(
      history.includes(first) && history.includes(latest),
      `history ${history}`,
    );
    assert.match(minion.output().stderr, /nats-disconnected/);
    assert.match(minion.output().stderr, /nats-reconnected/);
  });
});
