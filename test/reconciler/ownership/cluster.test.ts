import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { NatsCluster } from "../../../clab/nats-cluster.ts";
import { SimHost } from "../../../clab/sim/sim-host.ts";
import { connectNats } from "../../../core/nats/connect.ts";
import { leaderGet } from "../../../core/nats/leader-get.ts";
import type { OwnerRecord } from "../../../reconciler/ownership/device-leases.ts";
import type { DeviceStatus, NcmEvent } from "../../../reconciler/types.ts";
import { type NcmProcess, spawnNcm } from "../../cli/run-ncm.ts";
import { inventoryYaml, LAB_PASSWORD, LAB_USER } from "../../harness/lab.ts";
import { readEvents } from "../../harness/nats-records.ts";
import { natsServerMissing } from "../../harness/nats-server.ts";
import { waitUntil } from "../../harness/wait.ts";

const DEVICES = Array.from(
  { length: 30 },
  (_, i) => `sw${String(i + 1).padStart(2, "0")}`,
);
const MINIONS = ["m1", "m2", "m3"];
const LEASE_S = 5;
/** Every two seconds: takeover is bounded by lease plus one interval. */
const INTERVAL = "*/2 * * * * *";

const configFor = (device: string, tag: string): string =>
  [
    `hostname ${device}`,
    `username ${LAB_USER} privilege 15 role network-admin secret sha512 $6$lab$hash`,
    "interface Loopback0",
    `   description ${tag}`,
    "",
  ].join("\n");

describe("minions on a NATS cluster", {
  skip: natsServerMissing() ?? false,
}, () => {
  let dir: string;
  let cluster: NatsCluster;
  let sims: SimHost;
  let nc: NatsConnection;
  let intended: KV;
  const minions = new Map<string, NcmProcess>();

  const startMinion = (name: string): NcmProcess => {
    const args = [
      "minion",
      "--inventory",
      join(dir, "inventory.yml"),
      "--name",
      name,
    ];
    args.push(
      "--server",
      cluster.urls.join(","),
      "--replicas",
      "3",
      "--lease",
      String(LEASE_S),
    );
    args.push("--interval", INTERVAL, "--commit-timer", "30");
    const minion = spawnNcm(args, { LOG_LEVEL: "info" });
    minions.set(name, minion);
    return minion;
  };
  // Through the stream leader: a replica may lag behind after a failover.
  const read = async <T>(bucket: string, key: string): Promise<T | null> => {
    const entry = await leaderGet(nc, bucket, key);
    return entry?.operation === "PUT"
      ? (JSON.parse(new TextDecoder().decode(entry.data)) as T)
      : null;
  };
  const ownerOf = async (device: string): Promise<string | null> =>
    (await read<OwnerRecord>("owners", device))?.owner ?? null;
  const statusOf = (device: string): Promise<DeviceStatus | null> =>
    read<DeviceStatus>("status", device);
  const allInSync = async (
    revisions: Map<string, number>,
  ): Promise<boolean> => {
    for (const [device, revision] of revisions) {
      const s = await statusOf(device);
      if (s?.state !== "in-sync" || s.appliedRevision !== revision) {
        return false;
      }
    }
    return true;
  };
  let unsettled = "";
  const settled = async (revisions: Map<string, number>): Promise<boolean> => {
    for (const device of DEVICES) {
      const owner = await ownerOf(device);
      const s = await statusOf(device);
      if (
        owner === null ||
        s?.owner !== owner ||
        s.state !== "in-sync" ||
        s.appliedRevision !== revisions.get(device)
      ) {
        unsettled = `${device}: owner record ${owner}, status ${JSON.stringify(s)}`;
        return false;
      }
    }
    return true;
  };
  const diagnose = (err: unknown): never => {
    const tails = [...minions].map(
      ([name, m]) =>
        `--- ${name}\n${m.output().stderr.split("\n").slice(-15).join("\n")}`,
    );
    throw new Error(
      `${(err as Error).message}\n${unsettled}\n${tails.join("\n")}`,
    );
  };
  const writeAll = async (
    tag: string,
    devices = DEVICES,
  ): Promise<Map<string, number>> => {
    const revisions = new Map<string, number>();
    for (const device of devices) {
      revisions.set(device, await intended.put(device, configFor(device, tag)));
    }
    return revisions;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-cluster-"));
    cluster = await NatsCluster.start(3);
    const specs = [];
    for (const name of DEVICES) {
      specs.push({
        name,
        port: 0,
        username: LAB_USER,
        password: LAB_PASSWORD,
      });
    }
    sims = await SimHost.start({ devices: specs, stateDir: join(dir, "sim") });
    await writeFile(join(dir, "inventory.yml"), inventoryYaml(sims));
    nc = await connectNats({ servers: cluster.urls });
    const kvm = new Kvm(nc);
    intended = await kvm.create("intended", { history: 64, replicas: 3 });
    await kvm.create("owners", { history: 1, replicas: 3 });
    await kvm.create("status", { history: 1, replicas: 3 });
  });
  after(async () => {
    if (process.env.NCM_TEST_LOGS !== undefined) {
      for (const [name, m] of minions) {
        await writeFile(
          join(process.env.NCM_TEST_LOGS, `${name}.log`),
          m.output().stderr,
        );
      }
    }
    await Promise.all([...minions.values()].map((m) => m.stop("SIGKILL")));
    await nc?.close();
    await sims?.stop();
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("cluster - three minions share 30 devices, each owned by exactly one", async () => {
    for (const name of MINIONS) {
      startMinion(name);
    }
    const members = await new Kvm(nc).open("minions").catch(() => null);
    await waitUntil(
      "three minions announced",
      async () => {
        const kv = members ?? (await new Kvm(nc).open("minions"));
        const names: string[] = [];
        for await (const key of await kv.keys()) {
          names.push(key);
        }
        return names.length === MINIONS.length;
      },
      60_000,
      250,
    );
    const revisions = await writeAll("v1");
    // The first minion up claims everything and hands devices over as the
    // others join: wait until every record's owner is the one reporting.
    await waitUntil(
      "all 30 devices in sync under their settled owners",
      () => settled(revisions),
      60_000,
      250,
    ).catch(diagnose);
    const counts = new Map<string, number>();
    for (const device of DEVICES) {
      const owner = await ownerOf(device);
      assert.ok(
        owner !== null && MINIONS.includes(owner),
        `${device} owned by ${owner}`,
      );
      assert.equal((await statusOf(device))?.owner, owner);
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    assert.deepEqual(
      [...counts.keys()].sort(),
      MINIONS,
      "every minion owns some devices",
    );
  });

  it("cluster - a minion killed with SIGKILL has its devices taken over and kept in sync", async () => {
    const victims: string[] = [];
    for (const device of DEVICES) {
      if ((await ownerOf(device)) === "m3") {
        victims.push(device);
      }
    }
    await minions.get("m3")?.stop("SIGKILL");
    minions.delete("m3");
    const killedAt = Date.now();
    const revisions = await writeAll("v2", victims);
    await waitUntil(
      "m3's devices in sync under new owners",
      () => allInSync(revisions),
      30_000,
      250,
    );
    const elapsed = Date.now() - killedAt;
    for (const device of victims) {
      assert.notEqual(await ownerOf(device), "m3");
    }
    // Lease plus one interval, plus the slack of a loaded CI machine.
    assert.ok(
      elapsed < (LEASE_S + 2) * 1000 + 8_000,
      `takeover took ${elapsed} ms`,
    );
  });

  it("cluster - a NATS server killed loses no intended revision", async () => {
    await cluster.servers[1]?.kill();
    const revisions = new Map<string, number>();
    for (const device of DEVICES.slice(0, 10)) {
      const revision = await waitUntil(
        `write ${device}`,
        () => intended.put(device, configFor(device, "v3")),
        20_000,
        250,
      );
      revisions.set(device, revision);
    }
    await waitUntil(
      "writes during the outage applied",
      () => allInSync(revisions),
      60_000,
      250,
    ).catch(diagnose);
    await cluster.servers[1]?.resume();
    for (const [device] of revisions) {
      assert.match(sims.device(device).runningConfig(), /description v3/);
    }
  });

  it("cluster - a minion frozen past its lease commits nothing to devices it lost", async () => {
    // The survivors may have moved devices between them after the server
    // was killed: freeze whichever owns devices now.
    const owned = new Map<string, string[]>();
    for (const device of DEVICES) {
      const owner = (await ownerOf(device)) ?? "";
      owned.set(owner, [...(owned.get(owner) ?? []), device]);
    }
    const [frozen, its] = [...owned]
      .filter(([o]) => minions.has(o))
      .sort((a, b) => b[1].length - a[1].length)[0] ?? ["", []];
    const survivor = [...minions.keys()].find((m) => m !== frozen);
    const process = minions.get(frozen);
    assert.ok(process && survivor && its.length > 0);
    const slow = its[0] as string;
    sims.device(slow).setFaults({ latencyMs: 400 });
    await intended.put(slow, configFor(slow, "v4"));
    await waitUntil(
      "a session open on the slow device",
      () => sims.device(slow).pendingSessions().length > 0,
      20_000,
    );
    globalThis.process.kill(process.pid, "SIGSTOP");
    const frozenAt = new Date().toISOString();
    const revisions = await writeAll("v5", its);
    sims.device(slow).setFaults({});
    await waitUntil(
      "frozen minion's devices in sync under the survivor",
      () => allInSync(revisions),
      60_000,
      250,
    ).catch(diagnose);
    globalThis.process.kill(process.pid, "SIGCONT");
    // Give the resumed minion the time to run what it had in flight.
    await waitUntil(
      "resumed minion notices its loss",
      () => /device-lost/.test(process.output().stderr),
      20_000,
    );
    const applied = await appliedEvents();
    const late = applied.filter((e) => e.owner === frozen && e.at > frozenAt);
    assert.deepEqual(
      late.map((e) => e.device),
      [],
    );
    for (const device of its) {
      assert.match(sims.device(device).runningConfig(), /description v5/);
      assert.equal(await ownerOf(device), survivor);
    }
  });

  async function appliedEvents(): Promise<NcmEvent[]> {
    return (await readEvents(nc)).filter((e) => e.kind === "applied");
  }
});
