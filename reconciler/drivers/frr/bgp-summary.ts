/**
 * BGP sessions as FRR's `show bgp vrf all summary json` reports them.
 */
import type { BgpPeer } from "../bgp-peers.ts";

/** Reads the JSON; throws a TypeError naming what was not as expected. */
export function parseBgpSummary(json: string): BgpPeer[] {
  const root: unknown = json.trim() === "" ? {} : JSON.parse(json);
  if (!isObject(root)) {
    throw new TypeError("expected an object keyed by VRF name");
  }
  const peers = new Map<string, BgpPeer>();
  for (const [vrf, families] of Object.entries(root)) {
    if (!isObject(families)) {
      continue;
    }
    for (const [family, summary] of Object.entries(families)) {
      if (!isObject(summary) || !isObject(summary.peers)) {
        continue;
      }
      for (const [peer, raw] of Object.entries(summary.peers)) {
        addPeer(peers, vrf, family, peer, raw);
      }
    }
  }
  return [...peers.values()];
}

function addPeer(
  peers: Map<string, BgpPeer>,
  vrf: string,
  family: string,
  peer: string,
  raw: unknown,
): void {
  const key = `${vrf} ${peer}`;
  const known = peers.get(key);
  if (known !== undefined) {
    known.families.push(family);
    return;
  }
  const fields = isObject(raw) ? raw : {};
  peers.set(key, {
    vrf,
    peer,
    state: typeof fields.state === "string" ? fields.state : "unknown",
    remoteAs: numberOr(fields.remoteAs),
    uptimeMs: numberOr(fields.peerUptimeMsec),
    establishedCount: numberOr(fields.connectionsEstablished),
    families: [family],
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function numberOr(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}
