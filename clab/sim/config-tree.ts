/**
 * The simulated device's configuration model: a tree of command lines.
 * A node's children are the lines of its section (the lines indented below
 * it). The root has no line of its own. Comments (`!`) and blank lines are
 * never stored; the renderer puts separators back.
 */

export interface ConfigNode {
  /** The command, trimmed; empty for the root. */
  line: string;
  /** Lines of this section in the order they were entered. */
  children: ConfigNode[];
}

export function createRoot(): ConfigNode {
  return { line: "", children: [] };
}

export function createNode(line: string): ConfigNode {
  return { line, children: [] };
}

export function cloneTree(node: ConfigNode): ConfigNode {
  return { line: node.line, children: node.children.map(cloneTree) };
}

export function findChild(
  parent: ConfigNode,
  line: string,
): ConfigNode | undefined {
  return parent.children.find((child) => child.line === line);
}

/**
 * An order-free fingerprint of a subtree: equal for two trees holding the
 * same lines under the same parents, whatever order they were entered in.
 */
function fingerprint(node: ConfigNode): string {
  const children = node.children.map(fingerprint).sort();
  return `${JSON.stringify(node.line)}{${children.join(",")}}`;
}

/**
 * Semantic equality: the same lines in the same sections. Order is ignored
 * at every level, since EOS numbers the entries whose order matters (ACL,
 * prefix-list and route-map sequence numbers).
 *
 * Children are paired by their line, which is unique within a section in
 * any config EOS prints; only a section holding a line twice is compared
 * by fingerprint, which costs strings and a sort for every line below it.
 */
export function treesEqual(a: ConfigNode, b: ConfigNode): boolean {
  if (a.line !== b.line || a.children.length !== b.children.length) {
    return false;
  }
  const unmatched = new Map<string, ConfigNode>();
  for (const child of b.children) {
    if (unmatched.has(child.line)) {
      return fingerprint(a) === fingerprint(b);
    }
    unmatched.set(child.line, child);
  }
  for (const child of a.children) {
    const other = unmatched.get(child.line);
    if (other === undefined || !treesEqual(child, other)) {
      return false;
    }
    unmatched.delete(child.line);
  }
  return true;
}

/** Number of lines in the tree, the root excluded. */
export function countLines(node: ConfigNode): number {
  let total = 0;
  for (const child of node.children) {
    total += 1 + countLines(child);
  }
  return total;
}
