/**
 * BGP sessions as EOS reports them with `| json`:
 *
 * ```json
 * { "vrfs": { "default": { "routerId": "192.0.255.3", "asn": "65101",
 *   "peers": { "172.30.255.0": { "peerState": "Established",
 *     "asn": "65001", "upDownTime": 1717171717.5, "prefixReceived": 3 },
 *     "172.30.255.9": { "peerState": "Idle",
 *       "peerStateIdleReason": "Admin", "asn": "65009" } } } } }
 * ```
 *
 * `show ip bgp summary vrf all` lists the peers of IPv4 unicast, `show bgp
 * evpn summary` those of EVPN: an AVD fabric's overlay peers are only in
 * the second, so both are read and a peer in both counts once.
 */
import { NcmError } from "../../../core/errors.ts";
import type { BgpPeer } from "../bgp-peers.ts";

/** The commands read, with the address family each reports. */
export const BGP_SUMMARIES = [
  { command: "show ip bgp summary vrf all | json", family: "ipv4Unicast" },
  { command: "show bgp evpn summary | json", family: "l2VpnEvpn" },
] as const;

/**
 * Reads one summary's JSON; throws a TypeError naming what was not as
 * expected. `now` turns EOS's `upDownTime` (epoch seconds) into an age.
 */
export function parseEosBgpSummary(
  json: string,
  family: string,
  now = Date.now(),
): BgpPeer[] {
  const root: unknown = JSON.parse(json);
  if (!isObject(root) || !isObject(root.vrfs)) {
    throw new TypeError('expected an object with a "vrfs" mapping');
  }
  const peers: BgpPeer[] = [];
  for (const [vrf, summary] of Object.entries(root.vrfs)) {
    if (!isObject(summary) || !isObject(summary.peers)) {
      continue; // A VRF with BGP but no neighbors has no peers key.
    }
    for (const [peer, raw] of Object.entries(summary.peers)) {
      peers.push(toPeer(vrf, peer, isObject(raw) ? raw : {}, family, now));
    }
  }
  return peers;
}

/** A summary answered, but not in the shape expected. */
export function unreadableSummary(
  device: string,
  command: string,
  why: string,
): NcmError {
  return new NcmError(
    "protocol",
    "EOS_UNREADABLE_OUTPUT",
    `${device}: cannot read the output of "${command}": ${why}`,
    { details: { device, command } },
  );
}

/** Joins the summaries of several families: one entry a VRF and peer. */
export function mergeFamilies(lists: readonly BgpPeer[][]): BgpPeer[] {
  const byKey = new Map<string, BgpPeer>();
  for (const peer of lists.flat()) {
    const key = `${peer.vrf} ${peer.peer}`;
    const known = byKey.get(key);
    if (known === undefined) {
      byKey.set(key, { ...peer, families: [...peer.families] });
    } else {
      known.families.push(...peer.families);
    }
  }
  return [...byKey.values()];
}

function toPeer(
  vrf: string,
  peer: string,
  fields: Record<string, unknown>,
  family: string,
  now: number,
): BgpPeer {
  const upDown = fields.upDownTime;
  return {
    vrf,
    peer,
    state: stateOf(fields),
    remoteAs: asNumber(fields.asn),
    uptimeMs:
      typeof upDown === "number"
        ? Math.max(0, Math.round(now - upDown * 1000))
        : undefined,
    families: [family],
  };
}

/**
 * The state as the CLI shows it: `Idle(Admin)` for a shut-down peer, so
 * the reason is in the check's reply. EOS may leave a stale reason on an
 * Established peer; it is only read for an idle one.
 */
function stateOf(fields: Record<string, unknown>): string {
  const state =
    typeof fields.peerState === "string" ? fields.peerState : "unknown";
  const reason = fields.peerStateIdleReason;
  return state === "Idle" && typeof reason === "string" && reason !== ""
    ? `Idle(${reason})`
    : state;
}

/** EOS prints the AS as a string ("65001", or asdot "1.10"), older releases as a number. */
function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") {
    return value;
  }
  if (typeof value !== "string") {
    return undefined;
  }
  const asdot = /^(\d+)\.(\d+)$/.exec(value);
  if (asdot !== null) {
    return Number(asdot[1]) * 65536 + Number(asdot[2]);
  }
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
