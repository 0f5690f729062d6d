import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NcmError } from "../../core/errors.ts";
import { parseInventory } from "../../inventory/load.ts";

const SOURCE = "/etc/ncm/inventory.yaml";

function parse(text: string) {
  return parseInventory(text, SOURCE, { HOME: "/home/ops" });
}

function refusal(text: string): NcmError {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof NcmError, `expected an NcmError, got ${err}`);
    assert.equal(err.code, "INVENTORY_INVALID");
    return err;
  }
  assert.fail("expected the inventory to be refused");
}

describe("inventory checks key", () => {
  it("checks-key - checks and bgp_peers_expected come from defaults unless the device sets its own, on eos too", () => {
    const devices = parse(`
defaults:
  username: admin
  password: p
  checks: [reachable, bgp-peers]
  bgp_peers_expected: [10.0.0.1]
devices:
  leaf1: { host: h1 }
  leaf2: { host: h2, checks: [in-sync, no-pending-commit] }
  r1: { host: h3, platform: frr, bgp_peers_expected: [swp1] }
`).devices;
    const picked = devices.map((d) => [d.name, d.checks, d.bgpPeersExpected]);
    assert.deepEqual(picked, [
      ["leaf1", ["reachable", "bgp-peers"], ["10.0.0.1"]],
      ["leaf2", ["in-sync", "no-pending-commit"], ["10.0.0.1"]],
      ["r1", ["reachable", "bgp-peers"], ["swp1"]],
    ]);
  });

  it("checks-key - without checks a device has none set, so check runs all of its platform's", () => {
    const [device] = parse(
      "defaults: { username: a, password: p }\ndevices:\n  leaf1: { host: h }\n",
    ).devices;
    assert.equal(device?.checks, undefined);
  });

  it("checks-key - sim.bgp_down lists the peers the simulator shows down", () => {
    const [device] = parse(`
defaults: { username: a, password: p }
devices:
  leaf1: { host: h, sim: { bgp_down: [172.30.255.0, 192.0.255.1] } }
`).devices;
    assert.deepEqual(device?.sim, { bgpDown: ["172.30.255.0", "192.0.255.1"] });
  });

  /** Each case's devices, under defaults holding the credentials. */
  const REFUSED = [
    {
      name: "an unknown check name, with the platform's names",
      devices: "  leaf1: { host: h, checks: [reachable, bgp-peer] }\n",
      expect:
        'inventory.yaml:4: unknown check "bgp-peer" in checks for device leaf1 ' +
        "(platform eos); expected one of reachable, in-sync, no-pending-commit, bgp-peers",
    },
    {
      name: "a default check the device's platform lacks",
      defaults: ", checks: [no-pending-commit]",
      devices: "  r1: { host: h, platform: frr }\n",
      expect:
        'unknown check "no-pending-commit" in checks for device r1 (platform frr); ' +
        "expected one of reachable, in-sync, bgp-peers",
    },
    {
      name: "checks that are no list",
      devices: "  leaf1: { host: h, checks: reachable }\n",
      expect:
        'invalid checks "reachable" for device leaf1; expected a list of distinct check names',
    },
    {
      name: "an empty checks list",
      devices: "  leaf1: { host: h, checks: [] }\n",
      expect: "invalid checks [] for device leaf1",
    },
    {
      name: "a check named twice",
      devices: "  leaf1: { host: h, checks: [reachable, reachable] }\n",
      expect: 'invalid checks ["reachable","reachable"] for device leaf1',
    },
    {
      name: "a bgp_down that is no list",
      devices: "  leaf1: { host: h, sim: { bgp_down: 10.0.0.1 } }\n",
      expect:
        'invalid sim.bgp_down "10.0.0.1" for device leaf1; expected a list',
    },
  ];
  for (const c of REFUSED) {
    it(`checks-key - refuses ${c.name}`, () => {
      const defaults = `{ username: a, password: p${c.defaults ?? ""} }`;
      const text = `\ndefaults: ${defaults}\ndevices:\n${c.devices}`;
      const message = refusal(text).message;
      assert.ok(message.includes(c.expect), `${message}\nlacks: ${c.expect}`);
    });
  }
});
