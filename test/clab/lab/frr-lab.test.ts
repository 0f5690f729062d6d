/**
 * The FRR lab end to end: `ncm lab up` on the shipped three-router
 * topology, the intended configs published by the real watcher and
 * applied by the real minion over SSH, drift made by hand in vtysh,
 * the check function over NATS, `ncm lab status` and `ncm lab down`.
 */
import assert from "node:assert/strict";
import {
  chmod,
  cp,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { NatsConnection } from "@nats-io/nats-core";
import type { LabStatus } from "../../../clab/lab/lab-status.ts";
import { silentLogger } from "../../../core/log.ts";
import { connectNats } from "../../../core/nats/connect.ts";
import { loadInventory } from "../../../inventory/load.ts";
import {
  type BgpPeer,
  ESTABLISHED,
} from "../../../reconciler/drivers/bgp-peers.ts";
import { Minion } from "../../../reconciler/minion.ts";
import { Watcher } from "../../../watcher/watcher.ts";
import { runNcm } from "../../cli/run-ncm.ts";
import { NatsServer, natsServerMissing } from "../../harness/nats-server.ts";
import { waitUntil } from "../../harness/wait.ts";
import {
  type HostProcess,
  type HostSnapshot,
  hostProcesses,
  hostSnapshot,
  leftovers,
  netnsInode,
  ticksNow,
} from "./host-snapshot.ts";
import {
  account,
  freeLabSubnet,
  LAB_UNAVAILABLE,
  labReadiness,
  runNcmAs,
  TestLab,
  uniqueLabName,
} from "./test-lab.ts";

const FRR3 = fileURLToPath(
  new URL("../../../clab/topologies/frr3/", import.meta.url),
);
const ROUTERS = ["r1", "r2", "r3"];
/** Sessions come up within seconds with the configs' 1 s timers. */
const BGP_DEADLINE_MS = 40_000;

/** The shipped topology under a name and subnet of this run's own. */
async function topology(name: string, subnet: string): Promise<string> {
  const text = await readFile(join(FRR3, "topo.yml"), "utf8");
  return text
    .replace(/^name: frr3$/m, `name: ${name}`)
    .replace("198.18.0.0/24", subnet);
}

/**
 * r1's shipped config with routing policy on its session to r2: lines a
 * naive re-apply would have to touch with the session up.
 */
function withPolicy(r1: string): string {
  const policy = [
    "  neighbor 198.19.0.1 prefix-list TO-R2 out",
    "  neighbor 198.19.0.1 route-map FROM-R2 in",
    " exit-address-family",
  ].join("\n");
  const lists = [
    "ip prefix-list TO-R2 seq 5 permit 198.19.255.0/24 le 32",
    "ip prefix-list TO-R2 seq 10 deny any",
    "!",
    "route-map FROM-R2 permit 10",
    " set local-preference 200",
    "exit",
    "!",
    "",
  ].join("\n");
  const text = r1.replace(" exit-address-family", policy);
  assert.notEqual(text, r1, "r1.cfg has no address-family to extend");
  return `${text.trimEnd()}\n${lists}`;
}

/** Every BGP session of every router, keyed `router peer`. */
type Sessions = Map<string, BgpPeer>;

/**
 * All six sessions of the triangle, each Established and with the
 * counters a reset would change: without them a comparison proves
 * nothing.
 */
async function sessions(lab: TestLab): Promise<Sessions> {
  const all: Sessions = new Map();
  for (const router of ROUTERS) {
    for (const peer of await lab.peers(router)) {
      all.set(`${router} ${peer.peer}`, peer);
    }
  }
  assert.equal(all.size, 2 * ROUTERS.length, [...all.keys()].join(", "));
  for (const [key, peer] of all) {
    assert.equal(peer.state, ESTABLISHED, `${key} is ${peer.state}`);
    assert.equal(typeof peer.establishedCount, "number", `${key} count`);
    assert.equal(typeof peer.uptimeMs, "number", `${key} uptime`);
  }
  return all;
}

/** No session was reset: still up, as often up, and up for longer. */
function assertUndisturbed(before: Sessions, afterwards: Sessions): void {
  for (const [key, was] of before) {
    const now = afterwards.get(key);
    assert.ok(now !== undefined, `${key} is gone`);
    assert.equal(now.state, ESTABLISHED, `${key} went down`);
    assert.equal(
      now.establishedCount,
      was.establishedCount,
      `${key} was reset`,
    );
    assert.ok(
      now.uptimeMs! >= was.uptimeMs!,
      `${key} uptime restarted: ${now.uptimeMs} < ${was.uptimeMs} ms`,
    );
  }
}

async function allEstablished(lab: TestLab): Promise<Sessions | null> {
  try {
    return await sessions(lab);
  } catch {
    return null;
  }
}

const READY = labReadiness(LAB_UNAVAILABLE, natsServerMissing());

describe("frr lab end to end", { skip: READY.skip }, () => {
  let lab: TestLab;
  let server: NatsServer | undefined;
  let nc: NatsConnection | undefined;
  let watcher: Watcher | undefined;
  let minion: Minion | undefined;
  let intendedR1 = "";
  /** The host before `lab up`, and right after it. */
  let hostBefore: HostSnapshot;
  let hostUp: HostSnapshot;

  before(async () => {
    const subnet = await freeLabSubnet(READY);
    lab = await TestLab.write(await topology(uniqueLabName("e2e"), subnet));
    hostBefore = await hostSnapshot(lab.tools.ip);
    const up = await runNcm(["lab", "up", lab.topologyFile]);
    assert.equal(up.code, 0, up.stderr);
    hostUp = await hostSnapshot(lab.tools.ip);
    server = await NatsServer.start();
    nc = await connectNats({ servers: [server.url] });
    const configs = join(lab.dir, "configs");
    await cp(join(FRR3, "configs"), configs, { recursive: true });
    intendedR1 = withPolicy(await readFile(join(configs, "r1.cfg"), "utf8"));
    await writeFile(join(configs, "r1.cfg"), intendedR1);
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
      const host = await lab.exec(router, ["hostname"]);
      assert.equal(host.trim(), router);
      const daemons = await lab.exec(router, ["cat", "/etc/frr/daemons"]);
      assert.match(daemons, /^# Written by ncm lab up\.$/m);
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
    await waitUntil(
      "all six BGP sessions Established",
      () => allEstablished(lab),
      BGP_DEADLINE_MS,
      250,
    );
    const running = await lab.vtysh("r1", "show running-config");
    assert.match(running, /^ {2}neighbor 198\.19\.0\.1 route-map FROM-R2 in$/m);
    assert.match(running, /^ip prefix-list TO-R2 seq 5 permit /m);
  });

  it("drift - policy, timers and a description changed in vtysh are corrected; no session anywhere is reset", async () => {
    const before = await sessions(lab);
    await lab.vtysh(
      "r1",
      "configure terminal",
      "ip prefix-list TO-R2 seq 5 deny 198.19.255.0/24 le 32",
      "route-map FROM-R2 permit 10",
      "set local-preference 50",
      "exit",
      "router bgp 65001",
      "timers bgp 2 6",
      "neighbor 198.19.0.1 description changed-by-hand",
      "address-family ipv4 unicast",
      "no neighbor 198.19.0.1 route-map FROM-R2 in",
    );
    const drifted = await lab.vtysh("r1", "show running-config");
    assert.match(drifted, /changed-by-hand/);
    assert.match(drifted, /seq 5 deny 198\.19\.255\.0\/24/);
    assert.doesNotMatch(drifted, /route-map FROM-R2 in/);

    const outcome = await minion!.reconcile("r1");
    assert.equal(outcome.result, "applied", JSON.stringify(outcome.error));
    const diff = outcome.diff ?? "";
    assert.match(
      diff,
      /^- neighbor 198\.19\.0\.1 description changed-by-hand$/m,
    );
    assert.match(diff, /^\+ neighbor 198\.19\.0\.1 description r2$/m);
    assert.match(diff, /^\+ timers bgp 1 3$/m);
    assert.match(diff, /^\+ {2}neighbor 198\.19\.0\.1 route-map FROM-R2 in$/m);
    assert.match(diff, /^\+ set local-preference 200$/m);
    assert.match(diff, /^\+ip prefix-list TO-R2 seq 5 permit /m);

    const again = await minion!.reconcile("r1");
    assert.equal(again.result, "in-sync", again.diff);
    assertUndisturbed(before, await sessions(lab));
  });

  it("drift - the same session check fails a naive re-apply (no router bgp, then the config)", async () => {
    const before = await sessions(lab);
    const file = join(lab.node("r1").dir, "tmp", "naive.conf");
    await writeFile(file, intendedR1);
    await chmod(file, 0o644);
    await lab.vtysh("r1", "configure terminal", "no router bgp 65001");
    await lab.exec("r1", ["vtysh", "-f", "/tmp/naive.conf"]);
    await rm(file);
    const afterwards = await waitUntil(
      "the sessions after the naive re-apply",
      () => allEstablished(lab),
      BGP_DEADLINE_MS,
      250,
    );
    assert.throws(
      () => assertUndisturbed(before, afterwards),
      /was reset|uptime restarted/,
    );
    const outcome = await minion!.reconcile("r1");
    assert.equal(outcome.result, "in-sync", outcome.diff);
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

  it("lab status - every router's namespace, FRR daemons and sshd are up", async () => {
    const status = await labStatusJson(lab);
    assert.equal(status.up, true);
    assert.equal(status.inventory, lab.inventoryFile);
    assert.deepEqual(
      status.nodes.map((n) => [n.node, n.mgmtAddress, n.netns]),
      lab.plan.nodes.map((n) => [n.name, n.mgmtAddress, n.netns]),
    );
    for (const node of status.nodes) {
      assert.equal(node.namespace, true, node.node);
      assert.ok(node.processes >= 5, `${node.node}: ${node.processes}`);
      assert.deepEqual(node.daemons, {
        watchfrr: true,
        zebra: true,
        staticd: true,
        bgpd: true,
      });
      assert.equal(node.sshd, true, node.node);
    }
    const table = await runNcm(["lab", "status", lab.topologyFile]);
    assert.equal(table.code, 0, table.stderr);
    for (const node of lab.plan.nodes) {
      const row = new RegExp(
        `^${node.name} +${node.mgmtAddress.replaceAll(".", "\\.")} +` +
          `${node.netns} +\\d+ +up +up$`,
        "m",
      );
      assert.match(table.stdout, row);
    }
  });

  it("lab status - a dead FRR daemon and a dead sshd show as down", async () => {
    const r3 = lab.node("r3");
    const pidOf = async (file: string) =>
      Number((await readFile(join(r3.dir, file), "utf8")).trim());
    // watchfrr would start bgpd again; stopped, it leaves it dead.
    const watchfrr = await pidOf("run/watchfrr.pid");
    const bgpd = await pidOf("run/bgpd.pid");
    const sshd = await pidOf("sshd.pid");
    process.kill(watchfrr, "SIGSTOP");
    try {
      process.kill(bgpd, "SIGKILL");
      process.kill(sshd, "SIGTERM");
      await waitUntil(
        "bgpd and sshd of r3 to end",
        async () => !(await alive(bgpd)) && !(await alive(sshd)),
      );
      const status = await labStatusJson(lab);
      const byName = new Map(status.nodes.map((n) => [n.node, n]));
      assert.equal(byName.get("r3")?.daemons.bgpd, false);
      assert.equal(byName.get("r3")?.daemons.watchfrr, true);
      assert.equal(byName.get("r3")?.sshd, false);
      for (const router of ["r1", "r2"]) {
        assert.equal(byName.get(router)?.daemons.bgpd, true, router);
        assert.equal(byName.get(router)?.sshd, true, router);
      }
      const table = await runNcm(["lab", "status", lab.topologyFile]);
      assert.match(table.stdout, /^r3 .* down: bgpd +down$/m);
      assert.match(table.stdout, /^r1 .* up +up$/m);
    } finally {
      process.kill(watchfrr, "SIGCONT");
    }
  });

  it("lab down - no namespace, link, mount, process, user, group or folder is left", async () => {
    await minion?.stop();
    minion = undefined;
    const inodes = await Promise.all(
      lab.plan.nodes.map((n) => netnsInode(n.netns)),
    );
    const netns = new Set(inodes.filter((i) => i !== 0));
    assert.equal(netns.size, ROUTERS.length, "a router's namespace is gone");
    const processes = (await hostProcesses()).filter((p) => netns.has(p.netns));
    for (const ino of netns) {
      assert.ok(
        processes.some((p) => p.netns === ino),
        `no process in namespace ${ino}`,
      );
    }
    const user = await account(lab.plan.user);
    assert.ok(user !== null, `no user ${lab.plan.user} while up`);
    const downAt = await ticksNow();

    const down = await runNcm(["lab", "down", lab.topologyFile]);
    assert.equal(down.code, 0, down.stderr);

    const hostDown = await hostSnapshot(lab.tools.ip);
    const others = await otherLabs(lab.plan.name);
    assert.deepEqual(leftovers(hostBefore, hostUp, hostDown, others), []);
    const mine = [...hostDown].filter((item) => item.includes(lab.plan.name));
    assert.deepEqual(mine, []);
    const left = (await hostProcesses()).filter((p) =>
      isLabProcess(p, { processes, netns, uid: user.uid, downAt, lab }),
    );
    assert.deepEqual(left, []);
    await assert.rejects(readdir(lab.plan.dir));
  });

  it("lab status - after down the lab is not up and nothing of it runs", async () => {
    const status = await labStatusJson(lab);
    assert.equal(status.up, false);
    assert.equal(status.inventory, null);
    for (const node of status.nodes) {
      assert.equal(node.namespace, false, node.node);
      assert.equal(node.processes, 0, node.node);
      assert.ok(Object.values(node.daemons).every((alive) => !alive));
      assert.equal(node.sshd, false, node.node);
    }
    const table = await runNcm(["lab", "status", lab.topologyFile]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stderr, new RegExp(`lab ${lab.plan.name} is not up`));
    assert.match(table.stdout, /^r1 +\S+ +- +0 +down: /m);
  });
});

describe("ncm lab - root only", { skip: process.platform !== "linux" }, () => {
  let dir: string;
  let nobody: { uid: number; gid: number } | undefined;

  before(async () => {
    // Readable by anyone, so only the missing privilege can be refused.
    dir = await mkdtemp(join(tmpdir(), "ncm-lab-root-"));
    await chmod(dir, 0o755);
    await writeFile(
      join(dir, "topo.yml"),
      await topology("rootonly", "198.18.203.248/29"),
      {
        mode: 0o644,
      },
    );
    if (process.getuid?.() === 0) {
      const found = await account("nobody");
      assert.ok(found !== null, "root runs this as nobody, and there is none");
      nobody = found;
    }
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const command of ["up", "status", "down"]) {
    it(`lab ${command} - without root it says root is needed and makes nothing`, async () => {
      const run = await runNcmAs(nobody, [
        "lab",
        command,
        join(dir, "topo.yml"),
      ]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(
        run.stderr,
        /^ncm: ncm lab needs root: it makes network namespaces, links and a user \(try sudo\) \[LAB_UNAVAILABLE\]$/m,
      );
      assert.equal(run.stdout, "");
      await assert.rejects(readdir("/run/ncm-lab/rootonly"));
    });
  }
});

async function labStatusJson(lab: TestLab): Promise<LabStatus> {
  const run = await runNcm(["lab", "status", "--json", lab.topologyFile]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as LabStatus;
}

/** Running and not a zombie waiting for an init that does not reap it. */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  return stat !== null && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
}

/** Labs other than `ours` that are up now, by their folders. */
async function otherLabs(ours: string): Promise<string[]> {
  const entries = await readdir("/run/ncm-lab").catch(() => []);
  return entries.filter((e) => e !== ours && !e.startsWith("."));
}

/**
 * A live process of the lab: one seen in its namespaces while up, or one
 * started before `down` in those namespaces or as its user (their numbers
 * may be reused after), or one whose command line names its folder.
 */
function isLabProcess(
  p: HostProcess,
  lab: {
    processes: HostProcess[];
    netns: Set<number>;
    uid: number;
    downAt: number;
    lab: TestLab;
  },
): boolean {
  if (p.state === "Z") {
    return false;
  }
  const seen = lab.processes.some(
    (q) => q.pid === p.pid && q.start === p.start,
  );
  const mounts = new Set(lab.processes.map((q) => q.mntns));
  const inLab =
    lab.netns.has(p.netns) || mounts.has(p.mntns) || p.uid === lab.uid;
  return (
    seen ||
    (inLab && p.start <= lab.downAt) ||
    p.cmdline.includes(lab.lab.plan.dir)
  );
}
