/**
 * The order in which the simulated device prints its top-level sections,
 * an approximation of EOS's `show running-config`. It deliberately differs
 * from Arista AVD's order in places (AVD prints `management api
 * http-commands` and `vlan internal order` early, EOS late), so a byte
 * comparison with an intended file shows drift where a semantic one does
 * not, as with a real switch.
 */
import type { ConfigNode } from "./config-tree.ts";

/**
 * Command prefixes and their rank. Lines of the same whole rank print as
 * one group; a `!` separates groups. The longest matching prefix wins;
 * `no X` ranks as `X` unless listed itself.
 */
const RANKS: ReadonlyArray<readonly [string, number]> = [
  ["no enable password", 1],
  ["enable", 1],
  ["no aaa root", 1.1],
  ["aaa root", 1.1],
  ["username", 3],
  ["agent", 4],
  ["alias", 5],
  ["daemon", 6],
  ["event-handler", 7],
  ["logging", 8],
  ["load-interval", 9],
  ["hardware", 10],
  ["transceiver", 11],
  ["service", 12],
  ["queue-monitor", 13],
  ["flow", 14],
  ["platform", 15],
  ["hostname", 16],
  ["ip name-server", 16.1],
  ["ip domain-name", 16.2],
  ["ip domain", 16.2],
  ["dns domain", 16.3],
  ["ntp", 17],
  ["snmp-server", 18],
  ["spanning-tree", 19],
  ["aaa", 20],
  ["tacacs-server", 21],
  ["radius-server", 21],
  ["clock", 22],
  ["vlan internal", 23],
  ["vlan", 24],
  ["vrf", 25],
  ["interface", 26],
  ["mac", 27],
  ["ip virtual-router", 28],
  ["ip address virtual", 29],
  ["ip access-list", 30],
  ["ipv6 access-list", 30],
  ["ip security", 31],
  ["application", 32],
  ["ip routing", 33],
  ["ipv6 unicast-routing", 33.1],
  ["ip extcommunity-list", 34],
  ["ip community-list", 34],
  ["ip as-path", 34],
  ["ip prefix-list", 35],
  ["ipv6 prefix-list", 35],
  ["mpls", 36],
  ["ip route", 37],
  ["ipv6 route", 37],
  ["mlag", 38],
  ["ip", 39],
  ["ipv6", 39],
  ["route-map", 40],
  ["peer-filter", 41],
  ["router bfd", 42],
  ["router bgp", 43],
  ["router", 44],
  ["stun", 45],
  ["dhcp", 46],
  ["management", 47],
];

/** Rank of anything the table does not name: just before `management`. */
const UNKNOWN_RANK = 46.5;

/** The rank of a top-level line: lower prints first. */
export function topLevelRank(line: string): number {
  return rankOf(line) ?? rankOf(line.replace(/^no /, "")) ?? UNKNOWN_RANK;
}

/** RANKS by first word, so a lookup scans a handful of entries. */
const RANKS_BY_WORD = new Map<string, Array<readonly [string, number]>>();
for (const entry of RANKS) {
  const word = entry[0].split(" ")[0]!;
  RANKS_BY_WORD.set(word, [...(RANKS_BY_WORD.get(word) ?? []), entry]);
}

function rankOf(line: string): number | undefined {
  const space = line.indexOf(" ");
  const word = space === -1 ? line : line.slice(0, space);
  let best: readonly [string, number] | undefined;
  for (const entry of RANKS_BY_WORD.get(word) ?? []) {
    const [prefix] = entry;
    const matches = line === prefix || line.startsWith(`${prefix} `);
    if (matches && prefix.length > (best?.[0].length ?? -1)) {
      best = entry;
    }
  }
  return best?.[1];
}

/** Splits "Ethernet10/2" into ["ethernet", 10, "/", 2] for natural order. */
function naturalParts(text: string): Array<string | number> {
  const parts = text.toLowerCase().match(/\d+|\D+/g) ?? [];
  return parts.map((part) => (/^\d/.test(part) ? Number(part) : part));
}

/** Natural order: Ethernet2 < Ethernet10 < Loopback0 < Port-Channel1. */
export function compareNatural(a: string, b: string): number {
  const left = naturalParts(a);
  const right = naturalParts(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) {
      continue;
    }
    if (typeof x === "number" && typeof y === "number") {
      return x - y;
    }
    return String(x) < String(y) ? -1 : 1;
  }
  return left.length - right.length;
}

/**
 * Top-level nodes in the device's canonical order (a new array): by rank,
 * then in natural order of the line, so the order never depends on the
 * order of entry. EOS, too, prints global settings from sorted tables
 * (interfaces, vlans, routes, route-maps by name and sequence).
 */
export function canonicalOrder(nodes: readonly ConfigNode[]): RankedNode[] {
  const ranked = nodes.map((node) => ({ node, rank: topLevelRank(node.line) }));
  return ranked.sort(
    (a, b) => a.rank - b.rank || compareNatural(a.node.line, b.node.line),
  );
}

export interface RankedNode {
  node: ConfigNode;
  rank: number;
}
