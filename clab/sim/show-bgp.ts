/**
 * `show ip bgp summary [vrf NAME|all] [| json]` and `show bgp evpn summary
 * [| json]`, shaped like EOS's. Every configured neighbor is Established,
 * except one with `shutdown` (Idle, reason Admin) and one named in the
 * `bgpDown` fault (Active, as a session whose peer does not answer).
 */
import {
  type BgpInstance,
  type BgpNeighbor,
  bgpInstances,
} from "./bgp-neighbors.ts";
import type { DeviceState } from "./device-state.ts";

export interface BgpSummaryRequest {
  family: "ipv4" | "evpn";
  /** A VRF name, `all`, or the default VRF when absent. */
  vrf?: string;
  json: boolean;
}

/** Sessions came up with the simulator: nothing flaps unless told to. */
const STARTED_AT = Date.now();
const KEEPALIVE_S = 60;

interface PeerState {
  peerState: "Established" | "Idle" | "Active";
  idleReason?: string;
}

export function showBgpSummary(
  device: DeviceState,
  request: BgpSummaryRequest,
): string {
  const down = new Set(device.faults.bgpDown ?? []);
  const instances = bgpInstances(device.running)
    .filter((i) => selected(i.vrf, request))
    .map((i) => ({
      ...i,
      neighbors: i.neighbors.filter((n) => n[request.family]),
    }));
  const stateOf = (n: BgpNeighbor): PeerState =>
    n.shutdown
      ? { peerState: "Idle", idleReason: "Admin" }
      : { peerState: down.has(n.address) ? "Active" : "Established" };
  return request.json
    ? summaryJson(instances, stateOf)
    : summaryText(instances, stateOf);
}

function selected(vrf: string, request: BgpSummaryRequest): boolean {
  if (request.family === "evpn") {
    return vrf === "default"; // EVPN runs in the default VRF only.
  }
  return request.vrf === "all" || vrf === (request.vrf ?? "default");
}

function summaryJson(
  instances: readonly BgpInstance[],
  stateOf: (n: BgpNeighbor) => PeerState,
): string {
  const vrfs = Object.fromEntries(
    instances.map((i) => [
      i.vrf,
      {
        vrf: i.vrf,
        routerId: i.routerId,
        asn: i.asn,
        peers: Object.fromEntries(
          i.neighbors.map((n) => [n.address, peerJson(n, stateOf(n))]),
        ),
      },
    ]),
  );
  return `${JSON.stringify({ vrfs }, null, 2)}\n`;
}

function peerJson(n: BgpNeighbor, state: PeerState): Record<string, unknown> {
  const up = state.peerState === "Established";
  const messages = up ? 3 + Math.floor(uptimeS() / KEEPALIVE_S) : 0;
  return {
    ...(n.description === undefined ? {} : { description: n.description }),
    version: 4,
    msgReceived: messages,
    msgSent: messages,
    inMsgQueue: 0,
    outMsgQueue: 0,
    asn: n.asn ?? "0",
    prefixReceived: 0,
    prefixAccepted: 0,
    upDownTime: STARTED_AT / 1000,
    underMaintenance: false,
    peerState: state.peerState,
    ...(state.idleReason === undefined
      ? {}
      : { peerStateIdleReason: state.idleReason }),
  };
}

function summaryText(
  instances: readonly BgpInstance[],
  stateOf: (n: BgpNeighbor) => PeerState,
): string {
  const lines: string[] = [];
  for (const i of instances) {
    lines.push(
      `BGP summary information for VRF ${i.vrf}`,
      `Router identifier ${i.routerId}, local AS number ${i.asn}`,
      "Neighbor Status Codes: m - Under maintenance",
      textRow([
        "Description",
        "Neighbor",
        "V",
        "AS",
        "MsgRcvd",
        "MsgSent",
        "InQ",
        "OutQ",
        "Up/Down",
        "State",
        "PfxRcd",
        "PfxAcc",
      ]),
      ...i.neighbors.map((n) => neighborRow(n, stateOf(n))),
    );
  }
  return lines.map((line) => `${line}\n`).join("");
}

function neighborRow(n: BgpNeighbor, state: PeerState): string {
  const json = peerJson(n, state);
  const shown =
    state.peerState === "Established"
      ? "Estab"
      : state.idleReason === undefined
        ? state.peerState
        : `${state.peerState}(${state.idleReason})`;
  return textRow([
    (n.description ?? "").slice(0, 24),
    n.address,
    "4",
    n.asn ?? "0",
    String(json.msgReceived),
    String(json.msgSent),
    "0",
    "0",
    upDown(uptimeS()),
    shown,
    "0",
    "0",
  ]);
}

/** Columns as EOS pads them; numbers are right-aligned. */
const WIDTHS = [24, 16, 1, 12, -9, -9, -4, -4, 8, 7, 6, 6];

function textRow(cells: readonly string[]): string {
  const padded = cells.map((cell, i) => {
    const width = WIDTHS[i] ?? 0;
    return width < 0 ? cell.padStart(-width) : cell.padEnd(width);
  });
  return `  ${padded.join(" ")}`.trimEnd();
}

function uptimeS(): number {
  return Math.floor((Date.now() - STARTED_AT) / 1000);
}

/** `00:05:43` within a day, then `1d02h`, as EOS shows a session's age. */
function upDown(seconds: number): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const hours = Math.floor(seconds / 3600);
  if (hours >= 24) {
    return `${Math.floor(hours / 24)}d${two(hours % 24)}h`;
  }
  return `${two(hours)}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}
