/**
 * Which configuration lines the simulated device accepts. Real EOS has a
 * full grammar per mode; the simulator only knows the first keyword of a
 * line, from a permissive allow-list wide enough for every Arista AVD
 * example config, so a typo such as `bogus` is still refused the way EOS
 * refuses it. Arguments are not checked.
 */

/** Keywords a top-level (global configuration mode) line may start with. */
const TOP_LEVEL = new Set([
  "aaa",
  "agent",
  "alias",
  "application",
  "arp",
  "banner",
  "boot",
  "class-map",
  "clock",
  "cvx",
  "daemon",
  "dhcp",
  "dns",
  "dot1x",
  "enable",
  "errdisable",
  "event-handler",
  "event-monitor",
  "flow",
  "hardware",
  "hostname",
  "interface",
  "ip",
  "ipv6",
  "lacp",
  "link-tracking-group",
  "lldp",
  "load-interval",
  "logging",
  "mac",
  "management",
  "mlag",
  "monitor",
  "mpls",
  "ntp",
  "peer-filter",
  "platform",
  "policy-map",
  "port-channel",
  "prompt",
  "ptp",
  "qos",
  "queue-monitor",
  "radius-server",
  "route-map",
  "router",
  "service",
  "sflow",
  "snmp-server",
  "spanning-tree",
  "stun",
  "system",
  "tacacs-server",
  "tap",
  "track",
  "transceiver",
  "username",
  "vlan",
  "vrf",
]);

/** Keywords that are complete on their own at the top level. */
const COMPLETE_ALONE = new Set(["stun"]);

/** Keywords a line inside a section may start with, beyond TOP_LEVEL. */
const SECTION = new Set([
  "activate",
  "address-family",
  "aggregate-address",
  "application-profile",
  "area",
  "autostate",
  "avt",
  "bfd",
  "bandwidth",
  "bgp",
  "certificate",
  "channel-group",
  "client",
  "collector",
  "connection",
  "default-gateway",
  "default-information",
  "deny",
  "description",
  "destination",
  "distance",
  "domain-id",
  "dpd",
  "dscp",
  "duplex",
  "encapsulation",
  "error-correction",
  "esp",
  "exec",
  "exporter",
  "field-set",
  "flowcontrol",
  "graceful-restart",
  "hop",
  "ike",
  "ike-policy",
  "interval",
  "ipsec",
  "ipv4",
  "is-type",
  "isis",
  "jitter",
  "key",
  "latency",
  "lease",
  "load-balance",
  "local",
  "local-id",
  "local-interface",
  "log-adjacency-changes",
  "loss-rate",
  "match",
  "max-lsa",
  "maximum-paths",
  "mode",
  "mtu",
  "multihop",
  "name",
  "neighbor",
  "net",
  "network",
  "next-hop",
  "passive-interface",
  "password",
  "path-group",
  "path-selection",
  "peer",
  "peer-address",
  "peer-link",
  "permit",
  "pfs",
  "poe",
  "policy",
  "priority-flow-control",
  "profile",
  "protocol",
  "range",
  "rd",
  "record",
  "redistribute",
  "region",
  "reload-delay",
  "remark",
  "route-target",
  "router-id",
  "sa",
  "sa-policy",
  "sample",
  "seq",
  "server",
  "server-profile",
  "service-policy",
  "set",
  "shared-key",
  "shutdown",
  "site",
  "source",
  "speed",
  "ssl",
  "storm-control",
  "subnet",
  "switchport",
  "tcp",
  "timers",
  "tls",
  "topology",
  "tracker",
  "transport-address",
  "trunk",
  "trust",
  "unnumbered",
  "update-source",
  "vxlan",
  "zone",
]);

/** Lines inside some sections are bare values (`192.0.2.1/32`, `10 permit`). */
const VALUE_LINE = /^[0-9]/;

/** EOS's wording when the keyword at `token` is not known. */
export function invalidInput(token: number, word: string): string {
  return `% Invalid input (at token ${token}: '${word}')`;
}

export const INCOMPLETE_COMMAND = "% Incomplete command";

/**
 * Why the device refuses `line` at `depth` (0 for a top-level line), as
 * the EOS error text, or null when it accepts it.
 */
export function lineError(line: string, depth: number): string | null {
  const words = line.split(/\s+/);
  const negated = words[0] === "no" || words[0] === "default";
  const at = negated ? 1 : 0;
  const keyword = words[at];
  if (keyword === undefined) {
    return INCOMPLETE_COMMAND;
  }
  if (!keywordKnown(keyword, depth)) {
    return invalidInput(at, keyword);
  }
  if (depth === 0 && !negated && words.length === 1) {
    return COMPLETE_ALONE.has(keyword) ? null : INCOMPLETE_COMMAND;
  }
  return null;
}

function keywordKnown(keyword: string, depth: number): boolean {
  if (TOP_LEVEL.has(keyword)) {
    return true;
  }
  return depth > 0 && (SECTION.has(keyword) || VALUE_LINE.test(keyword));
}
