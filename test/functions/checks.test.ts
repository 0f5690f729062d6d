import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type KV, Kvm } from "@nats-io/kv";
import { ServiceErrorCodeHeader } from "@nats-io/services";
import { silentLogger } from "../../core/log.ts";
import { loadInventory } from "../../inventory/load.ts";
import { Minion } from "../../reconciler/minion.ts";
import type { DeviceStatus } from "../../reconciler/types.ts";
import { runNcm } from "../cli/run-ncm.ts";
import { fixture } from "../harness/fixtures.ts";
import { LAB_PASSWORD, LAB_USER, Lab } from "../harness/lab.ts";
import { natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";

interface PeerVerdict {
  vrf: string;
  peer: string;
  state: string;
  ok: boolean;
}
interface CheckReply {
  device: string;
  ok: boolean;
  checks: {
    name: string;
    ok: boolean;
    detail: string;
    peers?: PeerVerdict[];
  }[];
}

const DEVICES = ["spine1", "leaf1", "leaf2"];
const avdConfig = (name: string): string =>
  readFileSync(fixture("avd", "intended", "configs", `${name}.cfg`), "utf8");

/** Neighbor addresses a config declares under `router bgp`, sorted. */
function configuredPeers(config: string): string[] {
  const found = config.matchAll(
    /^ {3}neighbor (\d+\.\d+\.\d+\.\d+) remote-as/gm,
  );
  return [...found].map((m) => m[1] ?? "").sort();
}

/** Per-device inventory lines beyond host and port. */
const EXTRA: Record<string, string> = {
  leaf2: ", checks: [reachable, bgp-peers], bgp_peers_expected: [172.30.255.2]",
};

function inventoryText(lab: Lab, devices: Record<string, string>): string {
  return [
    "defaults:",
    "  platform: eos",
    `  username: ${LAB_USER}`,
    `  password: ${LAB_PASSWORD}`,
    `  known_hosts: ${lab.sims.knownHostsFile}`,
    "devices:",
    ...lab.sims.devices.map(
      (d) =>
        `  ${d.name}: { host: ${d.host}, port: ${d.port}${devices[d.name] ?? ""} }`,
    ),
    "",
  ].join("\n");
}

describe("check function", { skip: natsServerMissing() ?? false }, () => {
  let lab: Lab;
  let minion: Minion;
  let status: KV;

  const check = async (device: string, body = ""): Promise<CheckReply> => {
    const msg = await lab.nc.request(
      `ncm.${device}.check`,
      new TextEncoder().encode(body),
      { timeout: 30_000 },
    );
    assert.equal(msg.headers?.get(ServiceErrorCodeHeader), undefined);
    return msg.json<CheckReply>();
  };
  const bgpResult = (reply: CheckReply) => {
    const result = reply.checks.find((c) => c.name === "bgp-peers");
    assert.ok(result, `no bgp-peers result in ${JSON.stringify(reply)}`);
    return result;
  };

  before(async () => {
    lab = await Lab.start(
      DEVICES.map((name) => ({ name, config: avdConfig(name) })),
    );
    const file = join(lab.dir, "checks-inventory.yml");
    await writeFile(file, inventoryText(lab, EXTRA));
    const kvm = new Kvm(lab.nc);
    const intended = await kvm.create("intended", { history: 64 });
    status = await kvm.create("status", { history: 1 });
    for (const name of DEVICES) {
      await intended.put(name, avdConfig(name));
    }
    minion = await Minion.start({
      nc: lab.nc,
      inventory: await loadInventory(file),
      name: "check-minion",
      interval: "0 0 1 1 *",
      log: silentLogger(),
    });
    for (const name of DEVICES) {
      await waitUntil(`${name} in sync`, async () => {
        const entry = await status.get(name);
        return entry?.json<DeviceStatus>().state === "in-sync";
      });
    }
  });
  after(async () => {
    await minion?.stop();
    await lab?.stop();
  });

  it("check - every EOS check runs by default; with all BGP peers Established bgp-peers passes and lists each configured peer", async () => {
    const reply = await check("spine1");
    assert.deepEqual(
      reply.checks.map((c) => [c.name, c.ok]),
      [
        ["reachable", true],
        ["in-sync", true],
        ["no-pending-commit", true],
        ["bgp-peers", true],
      ],
    );
    assert.equal(reply.ok, true);
    const bgp = bgpResult(reply);
    const expected = configuredPeers(avdConfig("spine1"));
    assert.equal(
      expected.length,
      4,
      "AVD's spine1 has two leaves, two peers each",
    );
    assert.deepEqual(
      bgp.peers?.map((p) => [p.peer, p.vrf, p.state, p.ok]).sort(),
      expected.map((peer) => [peer, "default", "Established", true]),
    );
    assert.equal(bgp.detail, "4 of 4 expected peers Established");
  });

  it("check - a peer the bgp_down fault takes down fails bgp-peers, naming it", async () => {
    const device = lab.sims.device("leaf1");
    const [underlay, overlay] = configuredPeers(avdConfig("leaf1"));
    assert.ok(underlay !== undefined && overlay !== undefined);
    device.setFaults({ bgpDown: [underlay] });
    try {
      const reply = await check("leaf1", "bgp-peers");
      assert.equal(reply.ok, false);
      const bgp = bgpResult(reply);
      assert.equal(bgp.ok, false);
      assert.match(
        bgp.detail,
        new RegExp(`not up: ${underlay.replaceAll(".", "\\.")} \\(Active\\)$`),
      );
      assert.deepEqual(bgp.peers?.map((p) => [p.peer, p.state, p.ok]).sort(), [
        [underlay, "Active", false],
        [overlay, "Established", true],
      ]);
    } finally {
      device.setFaults({});
    }
    assert.equal((await check("leaf1", "bgp-peers")).ok, true);
  });

  it("check - the inventory's checks choose what runs by default, bgp_peers_expected which peers count; a named check still runs", async () => {
    const reply = await check("leaf2");
    assert.deepEqual(
      reply.checks.map((c) => c.name),
      ["reachable", "bgp-peers"],
    );
    assert.deepEqual(
      bgpResult(reply).peers?.map((p) => p.peer),
      ["172.30.255.2"],
    );
    const named = await check("leaf2", "in-sync, no-pending-commit");
    assert.deepEqual(
      named.checks.map((c) => c.name),
      ["in-sync", "no-pending-commit"],
    );
  });

  it("check - an unknown check name in the inventory stops the minion at load with the platform's names", async () => {
    const file = join(lab.dir, "bad-checks.yml");
    await writeFile(
      file,
      inventoryText(lab, { leaf1: ", checks: [reachable, bgp-peer]" }),
    );
    const run = await runNcm([
      "minion",
      "--inventory",
      file,
      "--server",
      lab.server.url,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /bad-checks\.yml:\d+: unknown check "bgp-peer" in checks for device leaf1 \(platform eos\); expected one of reachable, in-sync, no-pending-commit, bgp-peers/,
    );
  });
});
