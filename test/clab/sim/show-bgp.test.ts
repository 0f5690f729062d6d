import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CliShell } from "../../../clab/sim/cli-shell.ts";
import { DeviceState } from "../../../clab/sim/device-state.ts";
import { silentLogger } from "../../../core/log.ts";
import type { SimFaults } from "../../../inventory/types.ts";
import { leaf1Fixture } from "./avd-fixtures.ts";

interface Summary {
  vrfs: Record<
    string,
    {
      routerId: string;
      asn: string;
      peers: Record<
        string,
        {
          peerState: string;
          peerStateIdleReason?: string;
          asn: string;
          description?: string;
          upDownTime: number;
          prefixReceived: number;
        }
      >;
    }
  >;
}

/** A privileged shell on leaf1, seeded with AVD's leaf1 config by default. */
function shell(faults: SimFaults = {}, seed = leaf1Fixture()) {
  const device = new DeviceState("leaf1", seed, faults, silentLogger());
  return {
    device,
    shell: new CliShell(device, { user: "admin", privileged: true }),
  };
}

function run(cli: CliShell, line: string): string {
  const reply = cli.execute(line);
  assert.equal(reply.failed, false, `${line}: ${reply.output}`);
  return reply.output;
}

const json = (cli: CliShell, line: string): Summary =>
  JSON.parse(run(cli, line)) as Summary;

/** Peer address to state, for the VRF named. */
function states(summary: Summary, vrf = "default"): Record<string, string> {
  const peers = summary.vrfs[vrf]?.peers ?? {};
  return Object.fromEntries(
    Object.entries(peers).map(([peer, p]) => [peer, p.peerState]),
  );
}

const ROUTER = `hostname r1
vrf instance BLUE
router bgp 65010
   router-id 10.0.0.10
   neighbor SHUT peer group
   neighbor SHUT shutdown
   neighbor SHUT remote-as 65020
   neighbor 10.1.0.1 remote-as 65001
   neighbor 10.1.0.2 peer group SHUT
   neighbor 10.1.0.3 remote-as 65003
   neighbor 10.1.0.3 shutdown
   vrf BLUE
      neighbor 10.9.0.1 remote-as 65009
`;

describe("sim show bgp", () => {
  it("show-bgp - AVD leaf1: underlay peers in the IPv4 summary, overlay peers in the EVPN one, all Established", () => {
    const { shell: cli } = shell();
    const ipv4 = json(cli, "show ip bgp summary | json");
    assert.deepEqual(states(ipv4), { "172.30.255.0": "Established" });
    const peer = ipv4.vrfs.default?.peers["172.30.255.0"];
    assert.equal(peer?.asn, "65001");
    assert.equal(peer?.description, "spine1_Ethernet1");
    assert.equal(typeof peer?.upDownTime, "number");
    assert.equal(ipv4.vrfs.default?.asn, "65101");
    assert.equal(ipv4.vrfs.default?.routerId, "192.0.255.3");
    const evpn = json(cli, "show bgp evpn summary | json");
    assert.deepEqual(states(evpn), { "192.0.255.1": "Established" });
  });

  it("show-bgp - a shut-down neighbor or peer group is Idle with reason Admin; others default to Established", () => {
    const { shell: cli } = shell({}, ROUTER);
    const summary = json(cli, "show ip bgp summary | json");
    assert.deepEqual(states(summary), {
      "10.1.0.1": "Established",
      "10.1.0.2": "Idle",
      "10.1.0.3": "Idle",
    });
    const shut = summary.vrfs.default?.peers["10.1.0.2"];
    assert.equal(shut?.peerStateIdleReason, "Admin");
    assert.equal(shut?.asn, "65020", "remote-as comes from the peer group");
    assert.match(
      run(cli, "show ip bgp summary"),
      /^ {2}\s+10\.1\.0\.3\s+4 65003 .* Idle\(Admin\)/m,
    );
  });

  it("show-bgp - vrf all lists every VRF, the default VRF alone otherwise", () => {
    const { shell: cli } = shell({}, ROUTER);
    const all = json(cli, "show ip bgp summary vrf all | json");
    assert.deepEqual(Object.keys(all.vrfs), ["default", "BLUE"]);
    assert.deepEqual(states(all, "BLUE"), { "10.9.0.1": "Established" });
    assert.equal(all.vrfs.BLUE?.routerId, "10.0.0.10");
    const blue = json(cli, "show ip bgp summary vrf BLUE | json");
    assert.deepEqual(Object.keys(blue.vrfs), ["BLUE"]);
    assert.deepEqual(
      Object.keys(json(cli, "show ip bgp summary | json").vrfs),
      ["default"],
    );
  });

  it("show-bgp - the bgpDown fault shows the named peers Active, and is read at every command", () => {
    const { shell: cli, device } = shell({ bgpDown: ["172.30.255.0"] });
    assert.deepEqual(states(json(cli, "sh ip bgp sum | json")), {
      "172.30.255.0": "Active",
    });
    assert.match(
      run(cli, "show ip bgp summary"),
      /172\.30\.255\.0 +4 65001 .* Active/,
    );
    device.faults = {};
    assert.deepEqual(states(json(cli, "show ip bgp summary | json")), {
      "172.30.255.0": "Established",
    });
  });

  it("show-bgp - follows the running-config: a neighbor shut down in configure mode goes Idle", () => {
    const { shell: cli } = shell();
    for (const line of [
      "configure terminal",
      "router bgp 65101",
      "neighbor 192.0.255.1 shutdown",
      "end",
    ]) {
      run(cli, line);
    }
    assert.deepEqual(states(json(cli, "show bgp evpn summary | json")), {
      "192.0.255.1": "Idle",
    });
  });

  it("show-bgp - without router bgp the summaries are empty", () => {
    const { shell: cli } = shell({}, "hostname leaf1\n");
    assert.deepEqual(json(cli, "show ip bgp summary vrf all | json"), {
      vrfs: {},
    });
    assert.deepEqual(json(cli, "show bgp evpn summary | json"), { vrfs: {} });
    assert.equal(run(cli, "show ip bgp summary"), "");
  });

  it("show-bgp - works from the unprivileged prompt and inside a config session", () => {
    const device = new DeviceState("leaf1", leaf1Fixture(), {}, silentLogger());
    const cli = new CliShell(device, { user: "admin" });
    assert.ok(json(cli, "show ip bgp summary | json").vrfs.default);
    run(cli, "enable");
    run(cli, "configure session ncm-bgp");
    assert.ok(json(cli, "show bgp evpn summary | json").vrfs.default);
  });

  it("show-bgp - an unknown pipe is refused as EOS refuses it", () => {
    const { shell: cli } = shell();
    const reply = cli.execute("show ip bgp summary | yaml");
    assert.equal(reply.failed, true);
    assert.match(reply.output, /^% Invalid input \(at token 5: 'yaml'\)/);
  });
});
