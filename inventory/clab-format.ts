import { deviceNameProblem } from "../core/device-name.ts";
import { compactSpec } from "./compact-spec.ts";
import { isMapping } from "./detect-format.ts";
import {
  ENV_PASSWORD,
  ENV_USERNAME,
  envCredentials,
} from "./env-credentials.ts";
import * as parse from "./field-parsers.ts";
import type { FormatContext } from "./format-context.ts";
import type { DeviceSpec, Platform } from "./types.ts";
import { reference } from "./unset-variables.ts";

/** containerlab kinds that run Arista EOS, old spellings included. */
const EOS_KINDS: readonly string[] = [
  "arista_ceos",
  "ceos",
  "arista_veos",
  "vr-veos",
  "vr-arista_veos",
];

/** containerlab's own default, used when the topology sets no prefix. */
const DEFAULT_PREFIX = "clab";

/** cEOS nodes come up with this user (containerlab creates it). */
const CEOS_USERNAME = "admin";

const SSH_PORT = 22;

/** A node's settings after containerlab's defaults, kinds and groups. */
interface Node {
  name: string;
  kind?: string;
  image?: string;
  mgmtIpv4?: string;
}

/**
 * Reads a containerlab topology: EOS kinds become eos devices, `linux`
 * nodes running an FRR image become frr devices, the rest (hosts, NATS,
 * minions) are skipped with a note. A node is reached at its `mgmt-ipv4`,
 * else at the container name containerlab puts in /etc/hosts
 * (`clab-<lab>-<node>`, as `prefix` says). Topologies hold no credentials:
 * they come from NCM_USERNAME (default admin for EOS) and NCM_PASSWORD.
 */
export function readClabTopology(
  doc: Record<string, unknown>,
  ctx: FormatContext,
): DeviceSpec[] {
  const topology = doc.topology as Record<string, unknown>;
  const nodes = topology.nodes;
  if (!isMapping(nodes)) {
    ctx.problems.add(
      ["topology", "nodes"],
      "invalid topology.nodes; expected a mapping from node name to its settings",
    );
    return [];
  }
  const prefix = containerPrefix(doc, ctx);
  const specs: DeviceSpec[] = [];
  for (const [name, raw] of Object.entries(nodes)) {
    const node = resolveNode(name, raw, topology);
    const platform = platformOf(node, ctx);
    const spec =
      platform === undefined ? undefined : toSpec(node, platform, prefix, ctx);
    if (spec !== undefined) {
      specs.push(spec);
    }
  }
  finish(specs, ctx);
  return specs;
}

/** What goes before the node name in container names, or null for none. */
function containerPrefix(
  doc: Record<string, unknown>,
  ctx: FormatContext,
): string | null {
  const lab = typeof doc.name === "string" ? doc.name : undefined;
  const prefix = doc.prefix === undefined ? DEFAULT_PREFIX : doc.prefix;
  if (prefix === "") {
    return null;
  }
  if (lab === undefined) {
    ctx.problems.add(
      ["name"],
      "the topology has no name; expected name: <lab name> (containerlab needs one)",
    );
    return null;
  }
  return prefix === "__lab-name" ? lab : `${String(prefix)}-${lab}`;
}

/**
 * containerlab takes a setting from the node, else its group, else its
 * kind, else `topology.defaults`.
 */
function resolveNode(
  name: string,
  raw: unknown,
  topology: Record<string, unknown>,
): Node {
  const own = isMapping(raw) ? raw : {};
  const defaults = mapping(topology.defaults);
  const group = mapping(mapping(topology.groups)[text(own.group) ?? ""]);
  const kind = text(own.kind) ?? text(group.kind) ?? text(defaults.kind);
  const kindDefaults = mapping(mapping(topology.kinds)[kind ?? ""]);
  const pick = (key: string): string | undefined =>
    text(own[key]) ??
    text(group[key]) ??
    text(kindDefaults[key]) ??
    text(defaults[key]);
  return { name, kind, image: pick("image"), mgmtIpv4: text(own["mgmt-ipv4"]) };
}

function platformOf(node: Node, ctx: FormatContext): Platform | undefined {
  if (node.kind !== undefined && EOS_KINDS.includes(node.kind)) {
    return "eos";
  }
  if (node.kind === "linux" && /frr/i.test(node.image ?? "")) {
    return "frr";
  }
  const image = node.image === undefined ? "" : `, image ${node.image}`;
  ctx.notes.push(
    `skipped node ${node.name} (kind ${node.kind ?? "none"}${image}): ` +
      "neither an EOS kind nor a linux node with an FRR image",
  );
  return undefined;
}

function toSpec(
  node: Node,
  platform: Platform,
  prefix: string | null,
  ctx: FormatContext,
): DeviceSpec | undefined {
  const path = ["topology", "nodes", node.name];
  const nameProblem = deviceNameProblem(node.name);
  if (nameProblem !== null) {
    ctx.problems.add(path, nameProblem);
    return undefined;
  }
  const host =
    node.mgmtIpv4 ?? (prefix === null ? node.name : `${prefix}-${node.name}`);
  const fail = (expected: string): undefined => {
    ctx.problems.add(
      [...path, "mgmt-ipv4"],
      `invalid mgmt-ipv4 ${JSON.stringify(host)} of node ${node.name}; expected ${expected}`,
    );
    return undefined;
  };
  if (parse.host(host, fail, ctx.baseDir, ctx.home) === undefined) {
    return undefined;
  }
  const username = loginUser(node.name, platform, ctx);
  if (username === undefined) {
    return undefined;
  }
  return compactSpec({
    name: node.name,
    host,
    port: SSH_PORT,
    platform,
    username,
    password: envCredentials(ctx.env).password,
    // containerlab makes new host keys on every deploy: pinning or
    // known_hosts would refuse each redeployed lab.
    hostKeyPolicy: "insecure",
  });
}

/** NCM_USERNAME, else cEOS's own user; FRR images have no such default. */
function loginUser(
  name: string,
  platform: Platform,
  ctx: FormatContext,
): string | undefined {
  const username =
    envCredentials(ctx.env).username ??
    (platform === "eos" ? CEOS_USERNAME : undefined);
  if (username !== undefined) {
    return username;
  }
  if (ctx.unset.deferred) {
    ctx.unset.record(ENV_USERNAME, "username", name);
    return reference(ENV_USERNAME);
  }
  ctx.problems.add(
    ["topology", "nodes", name],
    `node ${name} (${platform}) needs a login user; set ${ENV_USERNAME}`,
  );
  return undefined;
}

/** Says where credentials came from, or that one is missing. */
function finish(specs: readonly DeviceSpec[], ctx: FormatContext): void {
  if (specs.length === 0) {
    if (ctx.problems.count === 0) {
      ctx.problems.add(
        ["topology", "nodes"],
        "no nodes ncm can manage; expected arista_ceos nodes or linux nodes with an FRR image",
      );
    }
    return;
  }
  if (envCredentials(ctx.env).password === undefined) {
    if (!ctx.unset.deferred) {
      ctx.problems.add(
        [],
        `a containerlab topology holds no passwords; set ${ENV_PASSWORD} ` +
          "(cEOS nodes start with admin/admin)",
      );
      return;
    }
    for (const spec of specs) {
      ctx.unset.record(ENV_PASSWORD, "password", spec.name);
    }
  }
  ctx.notes.push(
    `containerlab nodes log in as ${ENV_USERNAME} (default ${CEOS_USERNAME} for EOS) ` +
      `with ${ENV_PASSWORD}; their host keys are not checked (new on every deploy)`,
  );
}

function mapping(value: unknown): Record<string, unknown> {
  return isMapping(value) ? value : {};
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
