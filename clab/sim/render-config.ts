/**
 * Printing the tree the way EOS prints its running-config: top-level
 * sections in canonical order, children indented three spaces a level in
 * entry order, `!` between groups and around sections, and a final `end`.
 */
import { canonicalOrder, type RankedNode } from "./canonical-order.ts";
import type { ConfigNode } from "./config-tree.ts";

const INDENT = "   ";

/** The configuration without the `! Command` header, ending in `end`. */
export function renderConfig(root: ConfigNode): string {
  const out: string[] = ["!"];
  let previous: RankedNode | undefined;
  for (const current of canonicalOrder(root.children)) {
    if (previous !== undefined && separated(previous, current)) {
      out.push("!");
    }
    renderNode(current.node, "", out);
    previous = current;
  }
  if (previous !== undefined) {
    out.push("!");
  }
  out.push("end");
  return `${out.join("\n")}\n`;
}

/** EOS's header lines of `show running-config`. */
export function runningConfigHeader(hostname: string, version: string): string {
  return [
    "! Command: show running-config",
    `! device: ${hostname} (vEOS-lab, EOS-${version})`,
    "",
  ].join("\n");
}

/** EOS puts `!` around sections and between groups of settings. */
function separated(previous: RankedNode, current: RankedNode): boolean {
  if (previous.node.children.length > 0 || current.node.children.length > 0) {
    return true;
  }
  return Math.floor(previous.rank) !== Math.floor(current.rank);
}

function renderNode(node: ConfigNode, indent: string, out: string[]): void {
  out.push(indent + node.line);
  const inner = indent + INDENT;
  node.children.forEach((child, index) => {
    if (index > 0 && child.children.length > 0) {
      out.push(`${inner}!`);
    }
    renderNode(child, inner, out);
  });
}
