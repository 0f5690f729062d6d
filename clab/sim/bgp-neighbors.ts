/**
 * The BGP neighbors a running-config declares, read from its `router bgp`
 * section when a `show … bgp summary` asks, so an idle device keeps no BGP
 * state at all. Settings a neighbor leaves unset come from its peer group,
 * as on EOS; which summary lists it follows its address families.
 */
import { isIP } from "node:net";
import type { ConfigNode } from "./config-tree.ts";

export interface BgpNeighbor {
  address: string;
  /** `remote-as` of the neighbor or of its peer group. */
  asn?: string;
  description?: string;
  /** `shutdown` on the neighbor or its peer group: EOS shows Idle(Admin). */
  shutdown: boolean;
  /** Activated for IPv4 unicast: listed by `show ip bgp summary`. */
  ipv4: boolean;
  /** Activated for EVPN: listed by `show bgp evpn summary`. */
  evpn: boolean;
}

/** The default instance or one `vrf NAME` of `router bgp`. */
export interface BgpInstance {
  vrf: string;
  asn: string;
  routerId: string;
  neighbors: BgpNeighbor[];
}

/** What `neighbor NAME …` lines set for one neighbor or peer group. */
interface NeighborLines {
  group?: string;
  asn?: string;
  description?: string;
  shutdown?: boolean;
}

const NO_ROUTER_ID = "0.0.0.0";

/** The default instance first, then each VRF; none without `router bgp`. */
export function bgpInstances(running: ConfigNode): BgpInstance[] {
  const router = running.children.find((c) => c.line.startsWith("router bgp "));
  if (router === undefined) {
    return [];
  }
  const asn = router.line.split(/\s+/)[2] ?? "";
  const main = readInstance("default", asn, NO_ROUTER_ID, router);
  const vrfs = router.children
    .filter((c) => /^vrf \S+$/.test(c.line) && c.line !== "vrf default")
    .map((c) => readInstance(c.line.slice(4), asn, main.routerId, c));
  return [main, ...vrfs];
}

function readInstance(
  vrf: string,
  asn: string,
  inheritedRouterId: string,
  section: ConfigNode,
): BgpInstance {
  const settings = neighborLines(section);
  const ipv4 = activations(section, "address-family ipv4");
  const evpn = activations(section, "address-family evpn");
  const ipv4ByDefault = !section.children.some(
    (c) => c.line === "no bgp default ipv4-unicast",
  );
  const neighbors: BgpNeighbor[] = [];
  for (const [address, own] of settings) {
    if (isIP(address) === 0) {
      continue; // A peer group, not a session.
    }
    const group = own.group === undefined ? undefined : settings.get(own.group);
    const active = (af: Map<string, boolean>) =>
      af.get(address) ??
      (own.group === undefined ? undefined : af.get(own.group));
    neighbors.push({
      address,
      asn: own.asn ?? group?.asn,
      description: own.description,
      shutdown: own.shutdown === true || group?.shutdown === true,
      ipv4: active(ipv4) ?? ipv4ByDefault,
      evpn: active(evpn) ?? false,
    });
  }
  const routerId = section.children
    .find((c) => c.line.startsWith("router-id "))
    ?.line.slice("router-id ".length);
  return { vrf, asn, routerId: routerId ?? inheritedRouterId, neighbors };
}

/** Settings by neighbor address or peer group name, in config order. */
function neighborLines(section: ConfigNode): Map<string, NeighborLines> {
  const byName = new Map<string, NeighborLines>();
  for (const { line } of section.children) {
    const words = line.split(/\s+/);
    if (words[0] !== "neighbor" || words[1] === undefined) {
      continue;
    }
    const entry = byName.get(words[1]) ?? {};
    byName.set(words[1], entry);
    applyNeighborLine(entry, words.slice(2), line);
  }
  return byName;
}

function applyNeighborLine(
  entry: NeighborLines,
  rest: readonly string[],
  line: string,
): void {
  const [key, next, last] = rest;
  if (key === "peer" && next === "group" && last !== undefined) {
    entry.group = last; // `neighbor 10.0.0.1 peer group NAME`
  } else if (key === "peer-group" && next !== undefined) {
    entry.group = next; // the older spelling
  } else if (key === "remote-as" && next !== undefined) {
    entry.asn = next;
  } else if (key === "description") {
    entry.description = line.replace(/^(\S+\s+){3}/, "");
  } else if (key === "shutdown") {
    entry.shutdown = true;
  }
}

/** `neighbor X activate` (true) and `no neighbor X activate` (false). */
function activations(
  section: ConfigNode,
  familyLine: string,
): Map<string, boolean> {
  const result = new Map<string, boolean>();
  const family = section.children.find((c) => c.line === familyLine);
  for (const { line } of family?.children ?? []) {
    const match = /^(no )?neighbor (\S+) activate$/.exec(line);
    if (match !== null) {
      result.set(match[2]!, match[1] === undefined);
    }
  }
  return result;
}
