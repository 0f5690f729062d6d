/**
 * BGP sessions as every platform's driver reports them, and the verdict
 * on the peers a device is expected to have up: one rule for EOS and FRR,
 * so the `bgp-peers` check answers alike on both.
 */

/** One BGP session; a peer in several address families counts once. */
export interface BgpPeer {
  vrf: string;
  /** Neighbor address, or interface name for an unnumbered peer. */
  peer: string;
  /** `Established`, `Active`, `Connect`, `Idle`, … as the device says. */
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
