import type { LabPlan, NodePlan } from "./lab-plan.ts";
import type { LabTools } from "./lab-tools.ts";
import { runCommand } from "./run-command.ts";
import { MGMT_IFACE } from "./topology.ts";

/**
 * The lab's network: a bridge in the host's namespace holding the host's
 * management address, a veth from it into each router (`eth0` there), and
 * veth pairs between routers for the topology's links. Host-side links
 * carry the lab's alias so they can be found again.
 */
export async function makeBridge(
  plan: LabPlan,
  tools: LabTools,
): Promise<void> {
  const { bridge, hostAddress } = plan.mgmt;
  await runCommand([tools.ip, "link", "add", bridge, "type", "bridge"]);
  await runCommand([tools.ip, "link", "set", bridge, "alias", plan.linkAlias]);
  await runCommand([tools.ip, "addr", "add", hostAddress, "dev", bridge]);
  await runCommand([tools.ip, "link", "set", bridge, "up"]);
}

export async function makeNamespace(
  plan: LabPlan,
  node: NodePlan,
  tools: LabTools,
): Promise<void> {
  const ip = tools.ip;
  const inNs = (...args: string[]) =>
    runCommand([ip, "-n", node.netns, ...args]);
  await runCommand([ip, "netns", "add", node.netns]);
  await inNs("link", "set", "lo", "up");
  await runCommand([
    ip,
    "link",
    "add",
    node.hostVeth,
    "type",
    "veth",
    "peer",
    "name",
    MGMT_IFACE,
    "netns",
    node.netns,
  ]);
  await runCommand([ip, "link", "set", node.hostVeth, "alias", plan.linkAlias]);
  await runCommand([
    ip,
    "link",
    "set",
    node.hostVeth,
    "master",
    plan.mgmt.bridge,
  ]);
  await runCommand([ip, "link", "set", node.hostVeth, "up"]);
  const address = `${node.mgmtAddress}/${node.prefixLength}`;
  await inNs("addr", "add", address, "dev", MGMT_IFACE);
  await inNs("link", "set", MGMT_IFACE, "up");
}

/** Both ends are made straight inside their namespaces. */
export async function makeLinks(plan: LabPlan, tools: LabTools): Promise<void> {
  const ip = tools.ip;
  for (const { a, b } of plan.links) {
    await runCommand([
      ip,
      "link",
      "add",
      a.iface,
      "netns",
      a.netns,
      "type",
      "veth",
      "peer",
      "name",
      b.iface,
      "netns",
      b.netns,
    ]);
    await runCommand([ip, "-n", a.netns, "link", "set", a.iface, "up"]);
    await runCommand([ip, "-n", b.netns, "link", "set", b.iface, "up"]);
  }
}

/** Namespace names that exist now. */
export async function listNamespaces(tools: LabTools): Promise<Set<string>> {
  const result = await runCommand([tools.ip, "netns", "list"]);
  // Lines read "name" or "name (id: 3)".
  return new Set(
    result.stdout
      .split("\n")
      .map((line) => line.trim().split(/\s+/)[0] ?? "")
      .filter((name) => name !== ""),
  );
}

interface LinkInfo {
  ifname: string;
  ifalias?: string;
}

/** Host links that are the lab's: its bridge, or carrying its alias. */
export async function labHostLinks(
  plan: LabPlan,
  tools: LabTools,
): Promise<string[]> {
  const result = await runCommand([tools.ip, "-j", "link", "show"]);
  const links = JSON.parse(result.stdout || "[]") as LinkInfo[];
  return links
    .filter(
      (l) => l.ifname === plan.mgmt.bridge || l.ifalias === plan.linkAlias,
    )
    .map((l) => l.ifname);
}

interface AddrInfo {
  ifname: string;
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

/** Every IPv4 address configured on the host, with its interface. */
export async function hostAddresses(
  tools: LabTools,
): Promise<{ ifname: string; address: string; prefixLength: number }[]> {
  const result = await runCommand([tools.ip, "-j", "addr", "show"]);
  const entries = JSON.parse(result.stdout || "[]") as AddrInfo[];
  return entries.flatMap((e) =>
    (e.addr_info ?? [])
      .filter((a) => a.family === "inet")
      .map((a) => ({
        ifname: e.ifname,
        address: a.local,
        prefixLength: a.prefixlen,
      })),
  );
}
