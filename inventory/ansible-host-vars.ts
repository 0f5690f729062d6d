import { ANSIBLE_GROUP_KEYS, isMapping } from "./detect-format.ts";
import type { Problems } from "./problems.ts";

/** A variable's value and the YAML path where it was set, for messages. */
export interface Located {
  value: unknown;
  path: readonly string[];
}

export type VarMap = Map<string, Located>;

/** One host as Ansible sees it: its variables after inheritance. */
export interface AnsibleHost {
  name: string;
  /** Where the host was first listed. */
  path: readonly string[];
  vars: VarMap;
}

interface Group {
  name: string;
  vars: VarMap;
  children: Set<string>;
  parents: Set<string>;
  /** Longest distance from `all`; -1 until known. */
  depth: number;
  /** `ansible_group_priority`, 1 unless set. */
  priority: number;
}

interface Tree {
  groups: Map<string, Group>;
  /** Host name → where first listed; insertion order is file order. */
  hostPaths: Map<string, readonly string[]>;
  hostGroups: Map<string, Set<string>>;
  /** Host variables, merged over every place the host is listed. */
  hostVars: Map<string, VarMap>;
  problems: Problems;
  notes: string[];
}

const PRIORITY_VAR = "ansible_group_priority";

/**
 * Resolves variables as Ansible does: a host gets the variables of every
 * group it is in and of their ancestors up to `all`, applied from the
 * lowest `ansible_group_priority`, then the shallowest group, then by
 * name, so deeper groups win over their parents; the host's own variables
 * win over all of them.
 */
export function ansibleHosts(
  doc: Record<string, unknown>,
  problems: Problems,
  notes: string[],
): AnsibleHost[] {
  const tree: Tree = {
    groups: new Map(),
    hostPaths: new Map(),
    hostGroups: new Map(),
    hostVars: new Map(),
    problems,
    notes,
  };
  const all = groupNamed(tree, "all");
  for (const [name, body] of Object.entries(doc)) {
    readGroup(tree, name, body, [name], name === "all" ? null : all);
  }
  assignDepth(tree, all, 0, []);
  for (const group of tree.groups.values()) {
    group.priority = priority(tree, group);
  }
  return [...tree.hostPaths].map(([name, path]) => ({
    name,
    path,
    vars: mergedVars(tree, name),
  }));
}

function groupNamed(tree: Tree, name: string): Group {
  let group = tree.groups.get(name);
  if (group === undefined) {
    group = {
      name,
      vars: new Map(),
      children: new Set(),
      parents: new Set(),
      depth: -1,
      priority: 1,
    };
    tree.groups.set(name, group);
  }
  return group;
}

/** A group may be listed in several places; each adds to it. */
function readGroup(
  tree: Tree,
  name: string,
  body: unknown,
  path: readonly string[],
  parent: Group | null,
): void {
  const group = groupNamed(tree, name);
  if (parent !== null) {
    parent.children.add(name);
    group.parents.add(parent.name);
  }
  if (body === null || body === undefined) {
    return;
  }
  if (!isMapping(body)) {
    tree.problems.add(
      path,
      `invalid group ${name}; expected a mapping of hosts, children and vars`,
    );
    return;
  }
  for (const key of Object.keys(body)) {
    if (!ANSIBLE_GROUP_KEYS.includes(key)) {
      // Ansible itself only warns about these, so ncm does not refuse them.
      tree.notes.push(
        `group ${name}: ignored key ${JSON.stringify(key)} ` +
          "(a group holds hosts, children and vars)",
      );
    }
  }
  readVars(tree, body.vars, [...path, "vars"], group.vars, `group ${name}`);
  readHosts(tree, body.hosts, [...path, "hosts"], name);
  readChildren(tree, body.children, [...path, "children"], group);
}

function readVars(
  tree: Tree,
  raw: unknown,
  path: readonly string[],
  into: VarMap,
  owner: string,
): void {
  if (raw === null || raw === undefined) {
    return;
  }
  if (!isMapping(raw)) {
    tree.problems.add(
      path,
      `invalid vars of ${owner}; expected a mapping of variables`,
    );
    return;
  }
  for (const [key, value] of Object.entries(raw)) {
    into.set(key, { value, path: [...path, key] });
  }
}

function readHosts(
  tree: Tree,
  raw: unknown,
  path: readonly string[],
  group: string,
): void {
  if (raw === null || raw === undefined) {
    return;
  }
  if (!isMapping(raw)) {
    tree.problems.add(
      path,
      `invalid hosts of group ${group}; expected a mapping from host name to its variables`,
    );
    return;
  }
  for (const [host, vars] of Object.entries(raw)) {
    const hostPath = [...path, host];
    if (!tree.hostPaths.has(host)) {
      tree.hostPaths.set(host, hostPath);
      tree.hostGroups.set(host, new Set());
      tree.hostVars.set(host, new Map());
    }
    tree.hostGroups.get(host)?.add(group);
    const own = tree.hostVars.get(host) ?? new Map();
    readVars(tree, vars, hostPath, own, `host ${host}`);
  }
}

function readChildren(
  tree: Tree,
  raw: unknown,
  path: readonly string[],
  parent: Group,
): void {
  if (raw === null || raw === undefined) {
    return;
  }
  if (!isMapping(raw)) {
    tree.problems.add(
      path,
      `invalid children of group ${parent.name}; expected a mapping of groups`,
    );
    return;
  }
  for (const [child, body] of Object.entries(raw)) {
    readGroup(tree, child, body, [...path, child], parent);
  }
}

/** Depth is the longest path from `all`, as Ansible counts it. */
function assignDepth(
  tree: Tree,
  group: Group,
  depth: number,
  stack: readonly string[],
): void {
  if (stack.includes(group.name)) {
    tree.problems.add(
      [],
      `groups form a cycle: ${[...stack, group.name].join(" → ")}`,
    );
    return;
  }
  if (depth <= group.depth) {
    return;
  }
  group.depth = depth;
  for (const child of group.children) {
    assignDepth(tree, groupNamed(tree, child), depth + 1, [
      ...stack,
      group.name,
    ]);
  }
}

function mergedVars(tree: Tree, host: string): VarMap {
  const merged: VarMap = new Map();
  for (const group of sortGroups(ancestry(tree, host))) {
    for (const [key, value] of group.vars) {
      merged.set(key, value);
    }
  }
  for (const [key, value] of tree.hostVars.get(host) ?? []) {
    merged.set(key, value);
  }
  return merged;
}

/** The host's groups and all their ancestors, `all` included. */
function ancestry(tree: Tree, host: string): Group[] {
  const seen = new Set<string>(["all"]);
  const todo = [...(tree.hostGroups.get(host) ?? [])];
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    if (seen.has(name)) {
      continue;
    }
    seen.add(name);
    todo.push(...groupNamed(tree, name).parents);
  }
  return [...seen].map((name) => groupNamed(tree, name));
}

function sortGroups(groups: Group[]): Group[] {
  return groups.sort(
    (a, b) =>
      a.priority - b.priority ||
      a.depth - b.depth ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

function priority(tree: Tree, group: Group): number {
  const set = group.vars.get(PRIORITY_VAR);
  if (set === undefined) {
    return 1;
  }
  const n = Number(set.value);
  if (!Number.isInteger(n)) {
    tree.problems.add(
      set.path,
      `invalid ${PRIORITY_VAR} ${JSON.stringify(set.value)} of group ` +
        `${group.name}; expected a whole number`,
    );
    return 1;
  }
  return n;
}
