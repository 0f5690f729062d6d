/**
 * BGP sessions as `show bgp vrf all summary json` reports them, and the
 * verdict on the peers a device is expected to have up.
 */

/** One BGP session; a peer in several address families counts once. */
export interface BgpPeer {
  vrf: string;
  /** Neighbor address, or interface name for an unnumbered peer. */
  peer: string;
  /** `Established`, `Active`, `Connect`, `Idle`, … as FRR says. */
  state: string;
  remoteAs?: number;
  /** Milliseconds since the session came up (or went down). */
  uptimeMs?: number;
  /** Times the session reached Established since bgpd started. */
  establishedCount?: number;
  /** Address families the session carries, e.g. `ipv4Unicast`. */
  families: string[];
}

export const ESTABLISHED = "Established";

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

/** A peer held against the expectation, with the reason. */
export interface PeerVerdict {
  vrf: string;
  peer: string;
  state: string;
  ok: boolean;
  uptimeMs?: number;
  remoteAs?: number;
}

export interface BgpVerdict {
  ok: boolean;
  /** One line for people: how many expected peers are up, and which not. */
  detail: string;
  peers: PeerVerdict[];
}

/**
 * Expected peers must be Established. `expected` lists peer addresses or
 * interface names (any VRF); without it every configured peer is
 * expected. A listed peer that is not configured at all fails as
 * `missing`.
 */
export function judgePeers(
  peers: readonly BgpPeer[],
  expected: readonly string[] | undefined,
): BgpVerdict {
  const wanted = expected ?? peers.map((p) => p.peer);
  const verdicts: PeerVerdict[] = [];
  for (const name of new Set(wanted)) {
    const found = peers.filter((p) => p.peer === name);
    if (found.length === 0) {
      verdicts.push({ vrf: "-", peer: name, state: "missing", ok: false });
    }
    for (const p of found) {
      verdicts.push({
        vrf: p.vrf,
        peer: p.peer,
        state: p.state,
        ok: p.state === ESTABLISHED,
        uptimeMs: p.uptimeMs,
        remoteAs: p.remoteAs,
      });
    }
  }
  const down = verdicts.filter((v) => !v.ok);
  const up = verdicts.length - down.length;
  const detail =
    down.length === 0
      ? `${up} of ${verdicts.length} expected peers Established`
      : `${up} of ${verdicts.length} expected peers Established; ` +
        `not up: ${down.map((v) => `${v.peer} (${v.state})`).join(", ")}`;
  return { ok: down.length === 0, detail, peers: verdicts };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function numberOr(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}
