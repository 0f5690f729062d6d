/**
 * The FRR lab end to end: `ncm lab up` on the shipped three-router
 * topology, the intended configs published by the real watcher and
 * applied by the real minion over SSH, drift made by hand in vtysh,
 * the check function over NATS, and `ncm lab down`.
 */
import assert from "node:assert/strict";
import { cp, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { NatsConnection } from "@nats-io/nats-core";
import { labHostLinks, listNamespaces } from "../../../clab/lab/lab-links.ts";
import { routerExec } from "../../../clab/lab/lab-router.ts";
import { lookupId } from "../../../clab/lab/system-ids.ts";
import { silentLogger } from "../../../core/log.ts";
import { connectNats } from "../../../core/nats/connect.ts";
import { loadInventory } from "../../../inventory/load.ts";
import { ESTABLISHED } from "../../../reconciler/drivers/frr/bgp-summary.ts";
import { Minion } from "../../../reconciler/minion.ts";
import { Watcher } from "../../../watcher/watcher.ts";
import { runNcm } from "../../cli/run-ncm.ts";
import { NatsServer, natsServerMissing } from "../../harness/nats-server.ts";
import { waitUntil } from "../../harness/wait.ts";
import { LAB_SKIP, TestLab, uniqueLabName } from "./test-lab.ts";

const FRR3 = fileURLToPath(
  new URL("../../../clab/topologies/frr3/", import.meta.url),
);
const ROUTERS = ["r1", "r2", "r3"];
/** Sessions come up within seconds with the configs' 1 s timers. */
const BGP_DEADLINE_MS = 40_000;

/** The shipped topology under a name and subnet of this run's own. */
async function topology(name: string): Promise<string> {
  const text = await readFile(join(FRR3, "topo.yml"), "utf8");
  return text
    .replace(/^name: frr3$/m, `name: ${name}`)
    .replace("198.18.0.0/24", "198.18.200.0/24");
}

const skip = LAB_SKIP || (natsServerMissing() ?? false);

describe("frr lab end to end", { skip }, () => {
  let lab: TestLab;
  let server: NatsServer | undefined;
  let nc: NatsConnection | undefined;
  let watcher: Watcher | undefined;
  let minion: Minion | undefined;

  before(async () => {
    lab = await TestLab.write(await topology(uniqueLabName("e2e")));
    const up = await runNcm(["lab", "up", lab.topologyFile]);
    assert.equal(up.code, 0, up.stderr);
    server = await NatsServer.start();
    nc = await connectNats({ servers: [server.url] });
    const configs = join(lab.dir, "configs");
    await cp(join(FRR3, "configs"), configs, { recursive: true });
    watcher = new Watcher({ nc, dir: configs, log: silentLogger() });
    await watcher.start();
    minion = await Minion.start({
      nc,
      inventory: await loadInventory(lab.inventoryFile),
      name: "frr-minion",
      interval: "0 0 1 1 *",
      log: silentLogger(),
    });
  });

  after(async () => {
    await minion?.stop();
    await watcher?.close();
    await nc?.close();
    await server?.stop();
    await lab?.cleanup();
  });

  it("lab up - each router has its own hostname and /etc/frr", async () => {
    for (const router of ROUTERS) {
      const node = lab.node(router);
      const host = await routerExec(node, lab.tools, ["hostname"]);
      assert.equal(host.stdout.trim(), router);
      const daemons = await routerExec(node, lab.tools, [
        "cat",
        "/etc/frr/daemons",
      ]);
      assert.match(daemons.stdout, /^# Written by ncm lab up\.$/m);
    }
    assert.doesNotMatch(
      await readFile("/etc/frr/daemons", "utf8").catch(() => ""),
      /ncm lab/,
    );
  });

  it("intended configs - applied by the minion, every BGP session is Established", async () => {
    await waitUntil(
      "all routers in sync",
      () => ROUTERS.every((r) => minion!.status(r)?.state === "in-sync"),
      BGP_DEADLINE_MS,
      200,
    );
    for (const router of ROUTERS) {
      const peers = await waitUntil(
        `both BGP sessions of ${router}`,
        async () => {
          const found = await lab.peers(router);
          const up = found.filter((p) => p.state === ESTABLISHED);
          return up.length === 2 ? found : null;
        },
        BGP_DEADLINE_MS,
        250,
      );
      assert.equal(peers.length, 2);
    }
  });

  it("drift - a change made in vtysh is corrected and BGP stays up", async () => {
    const before = await lab.peers("r1");
    await lab.vtysh(
      "r1",
      "configure terminal",
      "router bgp 65001",
      "neighbor 198.19.0.1 description changed-by-hand",
    );
    assert.match(
      await lab.vtysh("r1", "show running-config"),
      /changed-by-hand/,
    );

    const outcome = await minion!.reconcile("r1");
    assert.equal(outcome.result, "applied", JSON.stringify(outcome.error));
    assert.match(
      outcome.diff ?? "",
      /^- neighbor 198\.19\.0\.1 description changed-by-hand$/m,
    );
    assert.match(
      outcome.diff ?? "",
      /^\+ neighbor 198\.19\.0\.1 description r2$/m,
    );

    const running = await lab.vtysh("r1", "show running-config");
    assert.doesNotMatch(running, /changed-by-hand/);
    assert.match(running, /neighbor 198\.19\.0\.1 description r2/);
    const afterwards = await lab.peers("r1");
    for (const peer of before) {
      const now = afterwards.find((p) => p.peer === peer.peer);
      assert.equal(now?.state, ESTABLISHED, `${peer.peer} went down`);
      assert.equal(
        now?.establishedCount,
        peer.establishedCount,
        `${peer.peer} was reset`,
      );
      assert.ok(
        (now?.uptimeMs ?? 0) >= (peer.uptimeMs ?? 0),
        `${peer.peer} uptime restarted`,
      );
    }
  });

  it("check - the function reports each BGP peer of every router", async () => {
    for (const router of ROUTERS) {
      const reply = await nc!.request(`ncm.${router}.check`, "", {
        timeout: 20_000,
      });
      const body = reply.json<{
        ok: boolean;
        checks: {
          name: string;
          ok: boolean;
          peers?: { peer: string; state: string }[];
        }[];
      }>();
      const bgp = body.checks.find((c) => c.name === "bgp-peers");
      assert.ok(
        bgp,
        `no bgp-peers check for ${router}: ${JSON.stringify(body)}`,
      );
      assert.equal(bgp.ok, true, JSON.stringify(bgp));
      assert.equal(bgp.peers?.length, 2);
      assert.ok(bgp.peers.every((p) => p.state === ESTABLISHED));
      assert.equal(body.ok, true, JSON.stringify(body.checks));
    }
  });

  it("lab down - no namespace, link, process, user or folder is left", async () => {
    await minion?.stop();
    minion = undefined;
    const pids = await lab.pids();
    assert.ok(
      pids.length >= ROUTERS.length * 5,
      `only ${pids.length} processes`,
    );

    const down = await runNcm(["lab", "down", lab.topologyFile]);
    assert.equal(down.code, 0, down.stderr);

    const namespaces = await listNamespaces(lab.tools);
    for (const node of lab.plan.nodes) {
      assert.ok(!namespaces.has(node.netns), `${node.netns} is left`);
    }
    assert.deepEqual(await labHostLinks(lab.plan, lab.tools), []);
    for (const pid of pids) {
      assert.ok(!(await running(pid)), `process ${pid} is left`);
    }
    assert.equal(await lookupId("user", lab.plan.user), null);
    await assert.rejects(readdir(lab.plan.dir));
  });
});

/** Alive and not a zombie waiting for init to reap it. */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  if (stat === null) {
    return false;
  }
  const state = stat.slice(
    stat.lastIndexOf(")") + 2,
    stat.lastIndexOf(")") + 3,
  );
  return state !== "Z";
}
