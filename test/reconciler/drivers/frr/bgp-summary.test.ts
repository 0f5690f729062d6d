import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { judgePeers } from "../../../../reconciler/drivers/bgp-peers.ts";
import { parseBgpSummary } from "../../../../reconciler/drivers/frr/bgp-summary.ts";

/** `show bgp vrf all summary json` of FRR 8.4, trimmed to what we read. */
const SUMMARY = JSON.stringify({
  default: {
    ipv4Unicast: {
      routerId: "198.19.255.1",
      as: 65001,
      peers: {
        "198.19.0.1": {
          remoteAs: 65002,
          state: "Established",
          peerUptimeMsec: 5000,
          connectionsEstablished: 1,
        },
        "198.19.0.4": { remoteAs: 65003, state: "Active", peerUptimeMsec: 0 },
      },
    },
    ipv6Unicast: {
      peers: { "198.19.0.1": { remoteAs: 65002, state: "Established" } },
    },
  },
  blue: {
    ipv4Unicast: {
      peers: { eth3: { remoteAs: 65010, state: "Established" } },
    },
  },
});

describe("frr bgp summary", () => {
  it("parseBgpSummary - one peer a session, whatever its address families", () => {
    const peers = parseBgpSummary(SUMMARY);
    assert.deepEqual(
      peers.map((p) => [p.vrf, p.peer, p.state, p.families.join(",")]),
      [
        ["default", "198.19.0.1", "Established", "ipv4Unicast,ipv6Unicast"],
        ["default", "198.19.0.4", "Active", "ipv4Unicast"],
        ["blue", "eth3", "Established", "ipv4Unicast"],
      ],
    );
    assert.equal(peers[0]?.uptimeMs, 5000);
    assert.equal(peers[0]?.establishedCount, 1);
  });

  it("parseBgpSummary - no BGP configured is no peers", () => {
    assert.deepEqual(parseBgpSummary("{}"), []);
    assert.deepEqual(parseBgpSummary(""), []);
  });

  it("parseBgpSummary - output that is not a VRF map is refused", () => {
    assert.throws(() => parseBgpSummary("[]"), TypeError);
    assert.throws(() => parseBgpSummary("% bgpd is not running"));
  });

  const cases: {
    name: string;
    expected?: string[];
    ok: boolean;
    detail: RegExp;
  }[] = [
    {
      name: "without a list every configured peer is expected",
      ok: false,
      detail:
        /^2 of 3 expected peers Established; not up: 198\.19\.0\.4 \(Active\)$/,
    },
    {
      name: "a list limits the peers held against the device",
      expected: ["198.19.0.1", "eth3"],
      ok: true,
      detail: /^2 of 2 expected peers Established$/,
    },
    {
      name: "a listed peer that is not configured is missing",
      expected: ["198.19.0.9"],
      ok: false,
      detail: /198\.19\.0\.9 \(missing\)/,
    },
    {
      name: "an empty list expects nothing",
      expected: [],
      ok: true,
      detail: /^0 of 0/,
    },
  ];
  for (const c of cases) {
    it(`judgePeers - ${c.name}`, () => {
      const verdict = judgePeers(parseBgpSummary(SUMMARY), c.expected);
      assert.equal(verdict.ok, c.ok);
      assert.match(verdict.detail, c.detail);
    });
  }
});
