/**
 * The lab's topology file: a small subset of containerlab's format, so a
 * simple containerlab file of FRR nodes runs here unchanged. containerlab
 * has no FRR kind: its users write `kind: linux` with an FRR image, on the
 * node or inherited from its group, `topology.kinds` or
 * `topology.defaults`, as containerlab resolves them. The image only says
 * that the node is an FRR router; the lab runs the host's own FRR.
 *
 * ```yaml
 * name: frr3
 * mgmt: { ipv4-subnet: 198.18.0.0/24 }
 * topology:
 *   kinds:
 *     linux: { image: quay.io/frrouting/frr:10.2.1 }
 *   nodes:
 *     r1: { kind: linux }
 *     r2: { kind: linux, mgmt-ipv4: 198.18.0.12, startup-config: r2.conf }
 *   links:
 *     - endpoints: ["r1:eth1", "r2:eth1"]
 * ```
 *
 * `kind: frr` (and no kind at all) is ncm's own shorthand for the same,
 * kept for files written before; containerlab refuses it.
 */
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { deviceNameProblem } from "../../core/device-name.ts";
import { NcmError } from "../../core/errors.ts";
import {
  formatAddress,
  formatSubnet,
  isHost,
  LAB_RANGE,
  parseAddress,
  parseSubnet,
  type Subnet,
  within,
} from "./ipv4.ts";

export interface Topology {
  name: string;
  /** The file it was read from. */
  source: string;
  mgmtSubnet: Subnet;
  nodes: TopologyNode[];
  links: TopologyLink[];
}

export interface TopologyNode {
  name: string;
  /** Management address; the next free one when not given. */
  mgmtAddress?: number;
  /** Absolute path of the config the router boots with. */
  startupConfig?: string;
  /** FRR daemons to run besides zebra and staticd. */
  daemons: string[];
}

export interface LinkEnd {
  node: string;
  iface: string;
}

export interface TopologyLink {
  a: LinkEnd;
  b: LinkEnd;
}

/** Lab names end up in user, namespace and directory names. */
const LAB_NAME = /^[a-z][a-z0-9-]{0,19}$/;
/** Linux interface names: at most 15 characters, no `/` or spaces. */
const IFACE = /^[A-Za-z0-9_.-]{1,15}$/;
/** Each router's management interface, made by the lab itself. */
export const MGMT_IFACE = "eth0";
const MAX_NODE_NAME = 32;
const DEFAULT_SUBNET = "198.18.0.0/24";
const DEFAULT_DAEMONS = ["bgpd"];
/** Daemons a node may ask for; zebra and staticd always run. */
const DAEMONS = new Set([
  "bgpd",
  "ospfd",
  "ospf6d",
  "ripd",
  "ripngd",
  "isisd",
  "pimd",
  "ldpd",
  "nhrpd",
  "eigrpd",
  "babeld",
  "pbrd",
  "bfdd",
  "fabricd",
  "vrrpd",
  "pathd",
]);
const NODE_KEYS = [
  "kind",
  "image",
  "group",
  "mgmt-ipv4",
  "startup-config",
  "daemons",
] as const;
/** ncm's shorthand for a Linux node running FRR; not a containerlab kind. */
const FRR_KIND = "frr";
/** containerlab's kind for a plain container, FRR when its image is. */
const LINUX_KIND = "linux";
/** Image names of FRR, as the inventory reader also recognises them. */
const FRR_IMAGE = /frr/i;
const EXAMPLE_IMAGE = "quay.io/frrouting/frr:10.2.1";

/** What a node inherits, as containerlab resolves it. */
interface Inherited {
  groups: Record<string, unknown>;
  kinds: Record<string, unknown>;
  defaults: Record<string, unknown>;
}

export async function loadTopology(file: string): Promise<Topology> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new NcmError(
      "input",
      "LAB_TOPOLOGY_UNREADABLE",
      `cannot read topology file ${JSON.stringify(file)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return parseTopology(text, resolve(file));
}

/** Validates everything at once and reports every problem found. */
export function parseTopology(text: string, source: string): Topology {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    problems.push(`not valid YAML: ${(err as Error).message}`);
  }
  const topology = readTopology(doc, source, problems);
  if (problems.length > 0 || topology === null) {
    throw new NcmError(
      "input",
      "LAB_TOPOLOGY_INVALID",
      problems.map((p) => `${source}: ${p}`).join("\n"),
      { details: { file: source, problems } },
    );
  }
  return topology;
}

function readTopology(
  doc: unknown,
  source: string,
  problems: string[],
): Topology | null {
  if (!isMapping(doc)) {
    if (problems.length === 0) {
      problems.push("expected a mapping with name and topology");
    }
    return null;
  }
  const name = readName(doc.name, problems);
  const mgmtSubnet = readSubnet(doc.mgmt, problems);
  const body = isMapping(doc.topology) ? doc.topology : {};
  if (!isMapping(doc.topology)) {
    problems.push(
      "missing topology; expected topology.nodes and topology.links",
    );
  }
  const inherited: Inherited = {
    groups: mapping(body.groups),
    kinds: mapping(body.kinds),
    defaults: mapping(body.defaults),
  };
  const nodes = readNodes(
    body.nodes,
    { baseDir: dirname(source), subnet: mgmtSubnet, inherited },
    problems,
  );
  const links = readLinks(body.links, nodes, problems);
  checkAddresses(nodes, mgmtSubnet, problems);
  if (name === null || mgmtSubnet === null) {
    return null;
  }
  return { name, source, mgmtSubnet, nodes, links };
}

function readName(raw: unknown, problems: string[]): string | null {
  if (typeof raw === "string" && LAB_NAME.test(raw)) {
    return raw;
  }
  problems.push(
    `invalid name ${JSON.stringify(raw ?? null)}; expected 1 to 20 ` +
      "lower-case letters, digits or '-', starting with a letter",
  );
  return null;
}

function readSubnet(raw: unknown, problems: string[]): Subnet | null {
  const given = isMapping(raw) ? raw["ipv4-subnet"] : undefined;
  const text = given ?? DEFAULT_SUBNET;
  const subnet = typeof text === "string" ? parseSubnet(text) : null;
  if (
    subnet === null ||
    !within(LAB_RANGE, subnet) ||
    subnet.prefixLength > 29
  ) {
    problems.push(
      `invalid mgmt.ipv4-subnet ${JSON.stringify(text)}; expected a subnet ` +
        `of ${formatSubnet(LAB_RANGE)} from /15 to /29, such as ${DEFAULT_SUBNET}`,
    );
    return null;
  }
  return subnet;
}

/** What every node is read against. */
interface NodeContext {
  baseDir: string;
  subnet: Subnet | null;
  inherited: Inherited;
}

function readNodes(
  raw: unknown,
  ctx: NodeContext,
  problems: string[],
): TopologyNode[] {
  if (!isMapping(raw) || Object.keys(raw).length === 0) {
    problems.push("no nodes; expected topology.nodes with at least one node");
    return [];
  }
  return Object.entries(raw).flatMap(([name, settings]) => {
    const node = readNode(name, settings ?? {}, ctx, problems);
    return node === null ? [] : [node];
  });
}

function readNode(
  name: string,
  raw: unknown,
  ctx: NodeContext,
  problems: string[],
): TopologyNode | null {
  const nameProblem =
    deviceNameProblem(name) ??
    (name.length > MAX_NODE_NAME
      ? `node name ${name} is longer than ${MAX_NODE_NAME} characters`
      : null);
  if (nameProblem !== null || !isMapping(raw)) {
    problems.push(
      nameProblem ??
        `node ${name}: expected a mapping such as { kind: linux, image: ${EXAMPLE_IMAGE} }`,
    );
    return null;
  }
  for (const key of Object.keys(raw)) {
    if (!(NODE_KEYS as readonly string[]).includes(key)) {
      problems.push(
        `node ${name}: unknown key ${JSON.stringify(key)}; expected one of ${NODE_KEYS.join(", ")}`,
      );
    }
  }
  const kindProblem = frrProblem(raw, ctx.inherited);
  if (kindProblem !== null) {
    problems.push(`node ${name}: ${kindProblem}`);
  }
  return {
    name,
    mgmtAddress: readMgmtAddress(name, raw["mgmt-ipv4"], ctx.subnet, problems),
    startupConfig: readPath(name, raw["startup-config"], ctx.baseDir, problems),
    daemons: readDaemons(name, raw.daemons, problems),
  };
}

/**
 * Why the node is no FRR router, or null when it is one. Kind and image
 * come from the node, else its group, else (the image) its kind's
 * settings, else the topology's defaults.
 */
function frrProblem(
  node: Record<string, unknown>,
  { groups, kinds, defaults }: Inherited,
): string | null {
  const group = mapping(groups[String(node.group ?? "")]);
  const kind = node.kind ?? group.kind ?? defaults.kind ?? FRR_KIND;
  if (kind === FRR_KIND) {
    return null;
  }
  const expected = `expected kind linux with an FRR image such as ${EXAMPLE_IMAGE}`;
  if (kind !== LINUX_KIND) {
    return `kind ${JSON.stringify(kind)} cannot run here; ${expected}`;
  }
  const image =
    node.image ??
    group.image ??
    mapping(kinds[LINUX_KIND]).image ??
    defaults.image;
  if (typeof image === "string" && FRR_IMAGE.test(image)) {
    return null;
  }
  const has =
    image === undefined ? "no image" : `image ${JSON.stringify(image)}`;
  return `kind linux with ${has} is no FRR router; ${expected}`;
}

function readMgmtAddress(
  node: string,
  raw: unknown,
  subnet: Subnet | null,
  problems: string[],
): number | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const address = typeof raw === "string" ? parseAddress(raw) : null;
  if (address === null || (subnet !== null && !isHost(subnet, address))) {
    const where = subnet === null ? "" : ` in ${formatSubnet(subnet)}`;
    problems.push(
      `node ${node}: invalid mgmt-ipv4 ${JSON.stringify(raw)}; expected a host address${where}`,
    );
    return undefined;
  }
  return address;
}

function readPath(
  node: string,
  raw: unknown,
  baseDir: string,
  problems: string[],
): string | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (typeof raw !== "string" || raw.trim() === "") {
    problems.push(
      `node ${node}: invalid startup-config ${JSON.stringify(raw)}; expected a file path`,
    );
    return undefined;
  }
  return isAbsolute(raw) ? raw : resolve(baseDir, raw);
}

function readDaemons(node: string, raw: unknown, problems: string[]): string[] {
  if (raw === undefined) {
    return [...DEFAULT_DAEMONS];
  }
  if (
    !Array.isArray(raw) ||
    !raw.every((d) => typeof d === "string" && DAEMONS.has(d))
  ) {
    problems.push(
      `node ${node}: invalid daemons ${JSON.stringify(raw)}; ` +
        `expected a list from ${[...DAEMONS].join(", ")}`,
    );
    return [...DEFAULT_DAEMONS];
  }
  return [...new Set(raw as string[])];
}

function readLinks(
  raw: unknown,
  nodes: readonly TopologyNode[],
  problems: string[],
): TopologyLink[] {
  if (raw === undefined || raw === null) {
    return [];
  }
  if (!Array.isArray(raw)) {
    problems.push("invalid links; expected a list of { endpoints: [a, b] }");
    return [];
  }
  const used = new Set<string>();
  const links: TopologyLink[] = [];
  raw.forEach((entry: unknown, index) => {
    const ends = isMapping(entry) ? entry.endpoints : undefined;
    const parsed = Array.isArray(ends)
      ? ends.map((end) => readEnd(end, nodes))
      : [];
    const a = parsed[0];
    const b = parsed[1];
    if (parsed.length !== 2 || a === null || b === null || !a || !b) {
      problems.push(
        `link ${index + 1}: expected endpoints: ["node:iface", "node:iface"] ` +
          `naming two nodes and interfaces other than ${MGMT_IFACE} and lo`,
      );
      return;
    }
    for (const end of [a, b]) {
      const key = `${end.node}:${end.iface}`;
      if (used.has(key)) {
        problems.push(`link ${index + 1}: ${key} is already used by a link`);
      }
      used.add(key);
    }
    links.push({ a, b });
  });
  return links;
}

function readEnd(raw: unknown, nodes: readonly TopologyNode[]): LinkEnd | null {
  const match = typeof raw === "string" ? /^([^:]+):(.+)$/.exec(raw) : null;
  if (match === null) {
    return null;
  }
  const [, node, iface] = match as unknown as [string, string, string];
  const known = nodes.some((n) => n.name === node);
  const goodIface = IFACE.test(iface) && iface !== MGMT_IFACE && iface !== "lo";
  return known && goodIface ? { node, iface } : null;
}

/** Given addresses are unique and leave room for the host's bridge. */
function checkAddresses(
  nodes: readonly TopologyNode[],
  subnet: Subnet | null,
  problems: string[],
): void {
  if (subnet === null) {
    return;
  }
  const seen = new Set<number>([subnet.base + 1]);
  for (const node of nodes) {
    if (node.mgmtAddress === undefined) {
      continue;
    }
    if (seen.has(node.mgmtAddress)) {
      problems.push(
        `node ${node.name}: mgmt-ipv4 ${formatAddress(node.mgmtAddress)} is ` +
          "taken by another node or the host (the subnet's first address)",
      );
    }
    seen.add(node.mgmtAddress);
  }
}

function mapping(value: unknown): Record<string, unknown> {
  return isMapping(value) ? value : {};
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
