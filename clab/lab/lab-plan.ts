import { createHash } from "node:crypto";
import { join } from "node:path";
import { NcmError } from "../../core/errors.ts";
import { formatAddress, formatSubnet, isHost, size } from "./ipv4.ts";
import type { Topology } from "./topology.ts";

/** Where every lab keeps its files, one folder a lab. */
export const LAB_ROOT = "/run/ncm-lab";

/**
 * Everything a lab is made of, named before anything is made: `up` writes
 * the plan first, so `down` can remove a half-made lab too.
 */
export interface LabPlan {
  name: string;
  /** The lab's folder: router folders, inventory, known_hosts, state. */
  dir: string;
  /** The SSH user ncm logs in as, in groups frr and frrvty. */
  user: string;
  /** `ip link` alias of every host-side link the lab makes. */
  linkAlias: string;
  mgmt: {
    subnet: string;
    /** The bridge in the host's namespace that all routers hang off. */
    bridge: string;
    /** The host's address on the bridge, `a.b.c.d/len`. */
    hostAddress: string;
  };
  nodes: NodePlan[];
  links: LinkPlan[];
}

export interface NodePlan {
  name: string;
  /** Network namespace, as `ip netns` names it. */
  netns: string;
  /** The router's own /etc/frr, /var/run/frr, /tmp and more. */
  dir: string;
  mgmtAddress: string;
  prefixLength: number;
  /** Host end of the management veth; the router's end is `eth0`. */
  hostVeth: string;
  daemons: string[];
  startupConfig?: string;
}

export interface LinkPlan {
  a: { node: string; netns: string; iface: string };
  b: { node: string; netns: string; iface: string };
}

/**
 * Names the lab's parts. Interface names are at most 15 characters, so
 * host-side links carry a short hash of the lab name, and an alias that
 * says which lab they belong to.
 */
export function planLab(topology: Topology, root = LAB_ROOT): LabPlan {
  const dir = join(root, topology.name);
  const tag = createHash("sha256")
    .update(topology.name)
    .digest("hex")
    .slice(0, 6);
  const subnet = topology.mgmtSubnet;
  const addresses = assignAddresses(topology);
  const netns = (node: string) => `ncm-${topology.name}-${node}`;
  const nodes = topology.nodes.map((node, index) => ({
    name: node.name,
    netns: netns(node.name),
    dir: join(dir, "nodes", node.name),
    mgmtAddress: formatAddress(addresses.get(node.name)!),
    prefixLength: subnet.prefixLength,
    hostVeth: `ncm${tag}-${index + 1}`,
    daemons: node.daemons,
    startupConfig: node.startupConfig,
  }));
  const end = (e: { node: string; iface: string }) => ({
    ...e,
    netns: netns(e.node),
  });
  return {
    name: topology.name,
    dir,
    user: `ncm-${topology.name}`,
    linkAlias: `ncm-lab ${topology.name}`,
    mgmt: {
      subnet: formatSubnet(subnet),
      bridge: `ncmbr-${tag}`,
      hostAddress: `${formatAddress(subnet.base + 1)}/${subnet.prefixLength}`,
    },
    nodes,
    links: topology.links.map((l) => ({ a: end(l.a), b: end(l.b) })),
  };
}

/**
 * Given addresses stay; the others take the next free host address after
 * the host's own (the subnet's first).
 */
function assignAddresses(topology: Topology): Map<string, number> {
  const subnet = topology.mgmtSubnet;
  const taken = new Set<number>([subnet.base + 1]);
  for (const node of topology.nodes) {
    if (node.mgmtAddress !== undefined) {
      taken.add(node.mgmtAddress);
    }
  }
  const assigned = new Map<string, number>();
  let next = subnet.base + 2;
  for (const node of topology.nodes) {
    if (node.mgmtAddress !== undefined) {
      assigned.set(node.name, node.mgmtAddress);
      continue;
    }
    while (taken.has(next)) {
      next++;
    }
    if (!isHost(subnet, next)) {
      throw new NcmError(
        "input",
        "LAB_SUBNET_FULL",
        `${topology.source}: mgmt.ipv4-subnet ${formatSubnet(subnet)} has ` +
          `${size(subnet) - 3} addresses for routers; ` +
          `${topology.nodes.length} nodes need more`,
      );
    }
    taken.add(next);
    assigned.set(node.name, next);
  }
  return assigned;
}
