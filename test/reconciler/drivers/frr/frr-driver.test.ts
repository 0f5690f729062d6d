import assert from "node:assert/strict";
import { chown, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { labUp } from "../../../../clab/lab/lab-up.ts";
import { lookupId } from "../../../../clab/lab/system-ids.ts";
import { loadTopology } from "../../../../clab/lab/topology.ts";
import { NcmError } from "../../../../core/errors.ts";
import { loadInventory } from "../../../../inventory/load.ts";
import type { DeviceSpec } from "../../../../inventory/types.ts";
import { runningConfigHash } from "../../../../reconciler/config-text.ts";
import { createDriver } from "../../../../reconciler/drivers/create-driver.ts";
import { knownHostsVerifier } from "../../../../reconciler/drivers/eos/known-hosts.ts";
import { FrrDriver } from "../../../../reconciler/drivers/frr/frr-driver.ts";
import type { FrrDriverOptions } from "../../../../reconciler/drivers/frr/frr-driver-options.ts";
import { hostProcesses, netnsInode } from "../../../clab/lab/host-snapshot.ts";
import {
  freeLabSubnet,
  LAB,
  TestLab,
  uniqueLabName,
} from "../../../clab/lab/test-lab.ts";
import { waitUntil } from "../../../harness/wait.ts";

const NAME = uniqueLabName("drv");

/** Two routers, one link, in a subnet no other lab here uses. */
const TOPOLOGY = (subnet: string) => `
name: ${NAME}
mgmt: { ipv4-subnet: ${subnet} }
topology:
  nodes: { a: {}, b: {} }
  links: [ { endpoints: ["a:eth1", "b:eth1"] } ]
`;

function config(
  name: string,
  asn: number,
  address: string,
  peer: string,
  peerAs: number,
): string {
  return [
    "frr defaults traditional",
    `hostname ${name}`,
    "service integrated-vtysh-config",
    "!",
    "interface eth1",
    ` ip address ${address}/31`,
    "exit",
    "!",
    `router bgp ${asn}`,
    " no bgp ebgp-requires-policy",
    " timers bgp 1 3",
    ` neighbor ${peer} remote-as ${peerAs}`,
    ` neighbor ${peer} timers connect 1`,
    "exit",
    "!",
    "",
  ].join("\n");
}

const A = config("a", 65101, "198.19.1.0", "198.19.1.1", 65102);
const B = config("b", 65102, "198.19.1.1", "198.19.1.0", 65101);

/** A line a candidate adds that changes no BGP session. */
const TEST_PREFIX_LIST =
  /^ip prefix-list NCM-TEST seq 5 permit 198\.19\.0\.0\/16 le 32$/m;

function withTestPrefixList(config: string): string {
  return `${config}ip prefix-list NCM-TEST seq 5 permit 198.19.0.0/16 le 32\n!\n`;
}

describe("frr driver", { skip: LAB.skip }, () => {
  let lab: TestLab;
  let specs: Map<string, DeviceSpec>;
  const drivers: FrrDriver[] = [];

  /**
   * The driver ncm would make from the lab's inventory; FRR-only options
   * (which createDriver does not take) build it directly, checking the
   * host key against the lab's known_hosts all the same.
   */
  function driver(
    name: string,
    overrides: Partial<DeviceSpec> = {},
    options: FrrDriverOptions = {},
  ): FrrDriver {
    const spec = { ...specs.get(name)!, ...overrides };
    const d =
      Object.keys(options).length === 0
        ? createDriver(spec)
        : new FrrDriver(spec, {
            ...options,
            verifyHostKey: knownHostsVerifier(
              spec.knownHosts!,
              spec.host,
              spec.port,
            ),
          });
    assert.ok(d instanceof FrrDriver);
    drivers.push(d);
    return d;
  }

  /** Files of ncm sessions left in the router's /tmp. */
  async function leftovers(node: string): Promise<string[]> {
    const entries = await readdir(join(lab.node(node).dir, "tmp"));
    return entries.filter((e) => e.startsWith("ncm-"));
  }

  /**
   * A logger that sees each command the driver announces in the same tick
   * it is sent, so `on` acts before the router runs it, and that keeps
   * the router's running-config as it stood when the restore was sent.
   */
  async function probeAtRestore(node: string, on?: (what: string) => void) {
    const vtysh = await lab.vtyshSync(node);
    let running: string | null = null;
    const log = pino(
      { level: "debug" },
      {
        write(line: string) {
          const entry = JSON.parse(line) as {
            event?: string;
            command?: string;
          };
          if (entry.event !== "command-sent" || entry.command === undefined) {
            return;
          }
          on?.(entry.command);
          if (entry.command.endsWith("(restore)")) {
            running = vtysh("show running-config");
          }
        },
      },
    );
    return {
      log,
      runningAtRestore(): string {
        assert.ok(running !== null, "the driver sent no restore");
        return running;
      },
    };
  }

  /**
   * Kills the sshd processes serving the lab user's connections to a
   * router, as a network cut would end them; returns how many.
   */
  async function killSshSessions(node: string): Promise<number> {
    const netns = await netnsInode(lab.node(node).netns);
    const sessions = (await hostProcesses()).filter(
      (p) =>
        p.netns === netns && p.cmdline.startsWith(`sshd: ${lab.plan.user}`),
    );
    for (const p of sessions) {
      process.kill(p.pid, "SIGKILL");
    }
    return sessions.length;
  }

  /** known_hosts that gives router a the host key of router b. */
  async function swappedKnownHosts(): Promise<string> {
    const lines = (await readFile(join(lab.plan.dir, "known_hosts"), "utf8"))
      .trim()
      .split("\n");
    const keyOfB = lines[1]!.split(" ").slice(1).join(" ");
    const file = join(lab.dir, "swapped_known_hosts");
    await writeFile(file, `${lab.node("a").mgmtAddress} ${keyOfB}\n`);
    return file;
  }

  before(async () => {
    lab = await TestLab.write(TOPOLOGY(await freeLabSubnet()));
    await labUp(await loadTopology(lab.topologyFile));
    const inventory = await loadInventory(lab.inventoryFile);
    specs = new Map(inventory.devices.map((d) => [d.name, d]));
  });

  after(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    await lab?.cleanup();
  });

  it("runningConfig - vtysh's running-config, over SSH with the host key checked", async () => {
    const running = await driver("a").runningConfig();
    assert.match(running, /^hostname a$/m);
    assert.match(running, /^end$/m);
  });

  it("loadReplace - the device's diff; abort changes nothing and leaves no file", async () => {
    const d = driver("a");
    const before = await d.runningConfig();
    const session = await d.loadReplace(A);
    assert.equal(session.changed, true);
    assert.match(session.diff, /^\+router bgp 65101$/m);
    assert.match(session.diff, /^\+ neighbor 198\.19\.1\.1 remote-as 65102$/m);
    assert.deepEqual(await leftovers("a"), [`${session.name}.conf`]);
    await session.abort();
    assert.deepEqual(await leftovers("a"), []);
    assert.equal(await d.runningConfig(), before);
  });

  it("commit - applies the candidate: no diff is left and BGP comes up", async () => {
    for (const [name, text] of [
      ["a", A],
      ["b", B],
    ] as const) {
      const d = driver(name);
      const session = await d.loadReplace(text);
      const pending = await session.commitWithTimer(60);
      await pending.confirm();
      assert.deepEqual(await d.pendingTimerSessions(), []);
      const again = await d.loadReplace(text);
      assert.equal(again.changed, false, `diff left on ${name}: ${again.diff}`);
      await again.abort();
      assert.deepEqual(await leftovers(name), []);
    }
    const verdict = await waitUntil(
      "the BGP session between a and b",
      async () => {
        const v = await driver("a").checkBgp();
        return v.ok && v.peers.length === 1 ? v : null;
      },
      20_000,
      250,
    );
    assert.deepEqual(
      verdict.peers.map((p) => [p.peer, p.state]),
      [["198.19.1.1", "Established"]],
    );
  });

  it("loadReplace - a syntax error is rejected-config naming our line", async () => {
    const d = driver("a");
    const bad = A.replace(
      " timers bgp 1 3\n",
      " timers bgp 1 3\n bogus words\n",
    );
    await assert.rejects(d.loadReplace(bad), (err: unknown) => {
      assert.ok(err instanceof NcmError);
      assert.equal(err.category, "rejected-config");
      assert.equal(err.code, "FRR_REJECTED_LINE");
      assert.equal(err.details.line, 12);
      assert.match(
        err.message,
        /rejected line 12 "bogus words": % Unknown command/,
      );
      return true;
    });
    assert.deepEqual(await leftovers("a"), []);
  });

  it("commit - a reload the daemon refuses halfway is undone: lines it applied first are removed again", async () => {
    const probe = await probeAtRestore("a");
    const d = driver("a", {}, { log: probe.log });
    const before = await d.runningConfig();
    assert.doesNotMatch(before, TEST_PREFIX_LIST);
    const refused = withTestPrefixList(
      A.replace(
        "hostname a\n",
        "hostname a\nlog syslog informational\n",
      ).replace(
        " timers bgp 1 3\n",
        " timers bgp 1 3\n neighbor 198.19.1.9 description nobody\n",
      ),
    );
    const session = await d.loadReplace(refused);
    assert.match(session.diff, /\+ neighbor 198\.19\.1\.9 description nobody/);
    await assert.rejects(session.commit(), (err: unknown) => {
      assert.ok(err instanceof NcmError);
      assert.equal(err.code, "FRR_APPLY_REVERTED");
      assert.equal(err.category, "rejected-config");
      assert.equal(err.details.reason, "reload-failed");
      assert.match(
        err.message,
        /line 13 "neighbor 198\.19\.1\.9 description nobody": % Specify remote-as/,
      );
      return true;
    });
    // The premise: the failed reload had changed the router.
    assert.match(probe.runningAtRestore(), /^log syslog informational$/m);
    assert.match(probe.runningAtRestore(), TEST_PREFIX_LIST);
    assert.equal(await d.runningConfig(), before);
    assert.deepEqual(await leftovers("a"), []);
  });

  it("commit - lines the router accepts but never applies (ospfd not running) are undone as not converged", async () => {
    const probe = await probeAtRestore("a");
    const d = driver("a", {}, { log: probe.log });
    const before = await d.runningConfig();
    assert.doesNotMatch(before, TEST_PREFIX_LIST);
    const ospf = withTestPrefixList(
      `${A}router ospf\n ospf router-id 198.19.1.0\nexit\n!\n`,
    );
    const session = await d.loadReplace(ospf);
    assert.match(session.diff, /^\+router ospf$/m);
    await assert.rejects(session.commit(), (err: unknown) => {
      assert.ok(err instanceof NcmError);
      assert.equal(err.code, "FRR_APPLY_REVERTED");
      assert.equal(err.category, "rejected-config");
      assert.equal(err.details.reason, "not-converged");
      assert.match(
        err.message,
        /2 lines still differ after the reload, the first: add "router ospf"/,
      );
      return true;
    });
    assert.match(probe.runningAtRestore(), TEST_PREFIX_LIST);
    assert.equal(await d.runningConfig(), before);
    assert.deepEqual(await leftovers("a"), []);
  });

  it("commit - a read-back that fails (bgpd stops answering) is undone over a new connection", async () => {
    const bgpd = Number(
      (
        await readFile(join(lab.node("a").dir, "run", "bgpd.pid"), "utf8")
      ).trim(),
    );
    let reloaded = false;
    let stopped = false;
    // bgpd is stopped as the read-back is sent and resumed as the
    // restore is: a daemon that hangs exactly then.
    const probe = await probeAtRestore("a", (what) => {
      if (what === "frr-reload.py --reload") {
        reloaded = true;
      } else if (what === "frr-reload.py --test" && reloaded && !stopped) {
        process.kill(bgpd, "SIGSTOP");
        stopped = true;
      } else if (what.endsWith("(restore)") && stopped) {
        process.kill(bgpd, "SIGCONT");
      }
    });
    const d = driver("a", {}, { log: probe.log, reloadTimeoutMs: 5_000 });
    const before = await d.runningConfig();
    assert.doesNotMatch(before, TEST_PREFIX_LIST);
    const session = await d.loadReplace(withTestPrefixList(A));
    try {
      await assert.rejects(session.commit(), (err: unknown) => {
        assert.ok(err instanceof NcmError);
        assert.equal(err.code, "FRR_APPLY_REVERTED");
        assert.equal(err.category, "timeout");
        assert.equal(err.retryable, true);
        assert.equal(err.details.reason, "read-back-failed");
        assert.match(
          err.message,
          /frr-reload\.py --test did not finish within 5000 ms/,
        );
        return true;
      });
    } finally {
      process.kill(bgpd, "SIGCONT");
    }
    assert.ok(stopped, "the read-back was never sent");
    assert.match(probe.runningAtRestore(), TEST_PREFIX_LIST);
    assert.equal(await d.runningConfig(), before);
    await waitUntil(
      "the BGP session after bgpd resumed",
      async () => (await d.checkBgp()).ok,
      20_000,
      250,
    );
  });

  it("commit - a change that takes an Established peer down is undone", async () => {
    const d = driver("a", {}, { bgpSettleMs: 2_000, bgpPollMs: 200 });
    const before = runningConfigHash(await d.runningConfig());
    const shut = A.replace(
      " neighbor 198.19.1.1 timers connect 1\n",
      " neighbor 198.19.1.1 timers connect 1\n neighbor 198.19.1.1 shutdown\n",
    );
    const session = await d.loadReplace(shut);
    await assert.rejects(session.commit(), (err: unknown) => {
      assert.ok(err instanceof NcmError);
      assert.equal(err.code, "FRR_APPLY_REVERTED");
      assert.equal(err.category, "guard");
      assert.equal(err.details.reason, "bgp-check-failed");
      assert.match(
        err.message,
        /0 of 1 expected peers Established; not up: 198\.19\.1\.1/,
      );
      return true;
    });
    assert.equal(runningConfigHash(await d.runningConfig()), before);
    await waitUntil(
      "the restored BGP session",
      async () => (await d.checkBgp()).ok,
      20_000,
      250,
    );
  });

  it("commit - a connection lost during the reload: the reload finishes, a new connection collects and checks it", async () => {
    // A reload slow enough to cut the connection in the middle of it.
    await writeFile(
      join(lab.node("a").dir, "tmp", "slow-reload"),
      '#!/bin/sh\n[ "$1" = --reload ] && sleep 1.5\nexec /usr/lib/frr/frr-reload.py "$@"\n',
      { mode: 0o755 },
    );
    const sent: string[] = [];
    let cut: Promise<number> | null = null;
    const probe = await probeAtRestore("a", (what) => {
      sent.push(what);
      if (what === "frr-reload.py --reload") {
        // Cut once the detached reload has started: its pid file is there.
        cut = waitUntil("the reload started", async () =>
          (await readdir(join(lab.node("a").dir, "tmp"))).some((f) =>
            f.endsWith("-reload.pid"),
          ),
        ).then(() => killSshSessions("a"));
      }
    });
    const d = driver(
      "a",
      {},
      { log: probe.log, reloadScript: "/tmp/slow-reload" },
    );
    const before = await d.runningConfig();
    assert.doesNotMatch(before, TEST_PREFIX_LIST);

    const session = await d.loadReplace(withTestPrefixList(A));
    await session.commit();

    assert.ok(cut !== null, "the reload was never sent");
    assert.ok((await cut) > 0, "no SSH session process was killed");
    assert.ok(
      sent.includes("frr-reload.py --reload (collecting its result)"),
      `commands sent: ${sent.join(", ")}`,
    );
    assert.match(await d.runningConfig(), TEST_PREFIX_LIST);
    assert.deepEqual(await leftovers("a"), []);
    // Back to A for the tests that follow.
    await (await driver("a").loadReplace(A)).commit();
    assert.doesNotMatch(await d.runningConfig(), TEST_PREFIX_LIST);
  });

  it("checkBgp - bgp_peers_expected decides which peers must be up", async () => {
    const listed = await driver("a", {
      bgpPeersExpected: ["198.19.1.1"],
    }).checkBgp();
    assert.equal(listed.ok, true);
    const missing = await driver("a", {
      bgpPeersExpected: ["198.19.1.9"],
    }).checkBgp();
    assert.equal(missing.ok, false);
    assert.deepEqual(
      missing.peers.map((p) => [p.peer, p.state]),
      [["198.19.1.9", "missing"]],
    );
  });

  it("abortStaleSessions - removes the lab user's ncm files, and only those", async () => {
    const tmp = join(lab.node("b").dir, "tmp");
    const stale = join(tmp, "ncm-crashed-1.conf");
    // What a detached reload records, left by a minion that died.
    const record = join(tmp, "ncm-crashed-1-reload.status");
    const foreign = join(tmp, "ncm-not-ours.conf");
    await writeFile(stale, "hostname b\n");
    await writeFile(record, "0\n");
    await writeFile(foreign, "hostname b\n");
    const uid = (await lookupId("user", lab.plan.user))!;
    await chown(stale, uid, uid);
    await chown(record, uid, uid);
    const removed = await driver("b").abortStaleSessions();
    assert.deepEqual(removed, ["ncm-crashed-1"]);
    assert.deepEqual(await leftovers("b"), ["ncm-not-ours.conf"]);
  });

  const refused: {
    name: string;
    overrides: Partial<DeviceSpec>;
    category: string;
    code: string;
  }[] = [
    {
      name: "a wrong password is an authentication failure",
      overrides: { password: "wrong" },
      category: "authentication",
      code: "FRR_AUTH_FAILED",
    },
    {
      name: "a host key other than the known one is refused",
      overrides: { knownHosts: "swapped" },
      category: "host-key",
      code: "FRR_HOST_KEY_REJECTED",
    },
    {
      name: "a closed port is unreachable",
      overrides: { port: 2 },
      category: "unreachable",
      code: "FRR_UNREACHABLE",
    },
  ];
  for (const c of refused) {
    it(`connect - ${c.name}`, async () => {
      const overrides = { ...c.overrides };
      if (overrides.knownHosts === "swapped") {
        overrides.knownHosts = await swappedKnownHosts();
      }
      await assert.rejects(
        driver("a", overrides).runningConfig(),
        (err: unknown) => {
          assert.ok(err instanceof NcmError, String(err));
          assert.equal(err.category, c.category);
          assert.equal(err.code, c.code);
          return true;
        },
      );
    });
  }
});
