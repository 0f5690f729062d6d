/**
 * What the simulator knows about sections when input is typed without
 * indentation, the way a person types at the CLI: which lines open a
 * section (and so become the current mode), which lines leave it, and what
 * the mode is called in the prompt.
 */

/** Lines that open a section (a configuration mode) when typed. */
const OPENERS: readonly RegExp[] = [
  /^interface \S+$/,
  /^router \S+( \S+)?$/,
  /^vlan [0-9][0-9,-]*$/,
  /^vrf instance \S+$/,
  /^route-map \S+( (permit|deny))?( \d+)?$/,
  /^ipv?6? ?(access-list|prefix-list)( standard)? \S+$/,
  /^management \S+( \S+)?$/,
  /^mlag configuration$/,
  /^daemon \S+$/,
  /^mpls ldp$/,
  /^ip security$/,
  /^application traffic recognition$/,
  /^flow tracking \S+$/,
  /^stun$/,
  /^dhcp server$/,
  /^spanning-tree mst configuration$/,
  /^(policy|class)-map( type \S+)? \S+$/,
  /^address-family \S+( \S+)?$/,
  /^vrf \S+$/,
  /^vlan-aware-bundle \S+$/,
];

/**
 * Top-level lines that never belong inside a section: typed while in one,
 * they leave it first, as EOS does when a command is not valid in the
 * current mode.
 */
const TOP_ONLY: readonly RegExp[] = [
  /^(no )?(hostname|username|interface|route-map|router|ntp|service) /,
  /^(no )?(transceiver|aaa|daemon|snmp-server|logging|management) /,
  /^(no )?vrf instance /,
  /^(no )?ip (routing|route|prefix-list|access-list|name-server) ?/,
  /^(no )?ip (virtual-router|domain|domain-name) /,
  /^(no )?ipv6 unicast-routing/,
  /^(no )?spanning-tree (mode|mst) /,
  /^(no )?mlag configuration$/,
  /^(no )?dns domain /,
  /^no enable /,
];

export function opensSection(line: string): boolean {
  return OPENERS.some((pattern) => pattern.test(line));
}

export function topLevelOnly(line: string): boolean {
  return TOP_ONLY.some((pattern) => pattern.test(line));
}

/** Sections that open inside other sections: (child, parent) patterns. */
const NESTED: ReadonlyArray<readonly [RegExp, RegExp]> = [
  [/^address-family /, /^(router \S+|vrf \S+)/],
  [/^vrf \S+$/, /^(router (bgp|isis|ospf)|management )/],
  [/^vlan(-aware-bundle)? \S+$/, /^router bgp /],
];

/**
 * True when `line`, typed in the section opened by `parent`, opens a
 * section nested in it (`address-family evpn` in `router bgp 65101`).
 */
export function nestsUnder(parent: string, line: string): boolean {
  return NESTED.some(
    ([child, allowedParent]) => child.test(line) && allowedParent.test(parent),
  );
}

const INTERFACE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  ethernet: "Et",
  loopback: "Lo",
  management: "Ma",
  "port-channel": "Po",
  vlan: "Vl",
  vxlan: "Vx",
  dps: "Dp",
  tunnel: "Tu",
};

/** The short name of a mode in the prompt, e.g. `if-Et1`, `router-bgp`. */
export function modeName(line: string): string {
  const words = line.split(" ");
  const [first = "", second = ""] = words;
  switch (first) {
    case "interface":
      return `if-${shortInterface(second)}`;
    case "router":
      return `router-${second}`;
    case "vlan":
    case "vrf":
      return `${first}-${words[words.length - 1]}`;
    case "route-map":
      return `route-map-${second}`;
    case "address-family":
      return "af";
    case "management":
      return second === "api" ? "mgmt-api-http-cmds" : `mgmt-${second}`;
    default:
      return first;
  }
}

function shortInterface(name: string): string {
  const match = /^([A-Za-z-]+)(.*)$/.exec(name);
  if (match === null) {
    return name;
  }
  const [, type = "", rest = ""] = match;
  const short = INTERFACE_ABBREVIATIONS[type.toLowerCase()];
  return `${short ?? type.slice(0, 2)}${rest}`;
}

const INTERFACE_TYPES = [
  "Ethernet",
  "Loopback",
  "Management",
  "Port-Channel",
  "Vlan",
  "Vxlan",
  "Dps",
  "Tunnel",
];

/**
 * Spells out an abbreviated interface name in an `interface` line
 * (`interface et1` → `interface Ethernet1`), as EOS stores it.
 */
export function expandInterface(line: string): string {
  const match = /^((?:no |default )?interface )([A-Za-z-]+)(\d\S*)$/.exec(line);
  if (match === null) {
    return line;
  }
  const [, command = "", type = "", number = ""] = match;
  const candidates = INTERFACE_TYPES.filter((full) =>
    full.toLowerCase().startsWith(type.toLowerCase()),
  );
  return candidates.length === 1 ? `${command}${candidates[0]}${number}` : line;
}
