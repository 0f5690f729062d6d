/**
 * How one configuration line changes a section, the way EOS merges what is
 * typed into its running-config: identical lines are not repeated, `no X`
 * removes `X`, and single-valued settings replace their previous value in
 * place.
 */
import { type ConfigNode, createNode, findChild } from "./config-tree.ts";

interface SingleValued {
  /** Lines of one setting; two lines matching the same rule replace. */
  pattern: RegExp;
  /** Top-level settings only, or settings inside a section only. */
  topLevel: boolean;
}

/**
 * Settings that hold one value. `ip address` with `secondary` or `virtual`
 * accumulates, as on EOS.
 */
const SINGLE_VALUED: readonly SingleValued[] = [
  { pattern: /^hostname /, topLevel: true },
  { pattern: /^spanning-tree mode /, topLevel: true },
  { pattern: /^description /, topLevel: false },
  { pattern: /^mtu /, topLevel: false },
  { pattern: /^ip address (?!virtual )(?!.* secondary$)/, topLevel: false },
  { pattern: /^router-id /, topLevel: false },
  { pattern: /^switchport mode /, topLevel: false },
  { pattern: /^switchport access vlan /, topLevel: false },
  { pattern: /^name /, topLevel: false },
  { pattern: /^vxlan source-interface /, topLevel: false },
  { pattern: /^vxlan udp-port /, topLevel: false },
];

/**
 * Applies `line` (trimmed, valid) to `parent`, a section at `depth`
 * (0 for the root). Returns the node now holding the line, which later
 * lines may nest under, or null when the line only removed something.
 *
 * FIXME: every line scans its siblings (duplicates, `no` lines, settings),
 * so loading a section of n lines costs O(n²): about 10 ms for AVD's
 * 2,000-line campus leaf, 0.3 ms for a typical leaf. An index per large
 * section would lift it if benchmarks seed many huge configs.
 */
export function applyLine(
  parent: ConfigNode,
  line: string,
  depth: number,
): ConfigNode | null {
  if (line.startsWith("no ") || line.startsWith("default ")) {
    return applyNegation(parent, line);
  }
  const existing = findChild(parent, line);
  if (existing !== undefined) {
    return existing;
  }
  const node = createNode(line);
  const setting = singleValued(line, depth);
  const replaced = parent.children.findIndex(
    (child) => negates(child.line, line) || setting?.test(child.line) === true,
  );
  if (replaced === -1) {
    parent.children.push(node);
  } else {
    parent.children[replaced] = node;
  }
  return node;
}

/**
 * `no X` and `default X` remove `X` and every `X …`; when nothing matched,
 * `no X` is kept as a line because EOS shows such negated settings.
 */
function applyNegation(parent: ConfigNode, line: string): ConfigNode | null {
  const target = line.slice(line.indexOf(" ") + 1);
  const kept = parent.children.filter((child) => !covers(target, child.line));
  const removed = kept.length !== parent.children.length;
  parent.children = kept;
  if (removed || line.startsWith("default ")) {
    return null;
  }
  const negation = `no ${target}`;
  const existing = findChild(parent, negation);
  if (existing !== undefined) {
    return existing;
  }
  const node = createNode(negation);
  parent.children.push(node);
  return node;
}

/** True when `target` names `line`: the same words, or a prefix of them. */
function covers(target: string, line: string): boolean {
  return line === target || line.startsWith(`${target} `);
}

/** True when `existing` is a `no …` line that `line` takes back. */
function negates(existing: string, line: string): boolean {
  return existing.startsWith("no ") && covers(existing.slice(3), line);
}

/** The pattern of the single-valued setting `line` sets, if it is one. */
function singleValued(line: string, depth: number): RegExp | undefined {
  const rule = SINGLE_VALUED.find(
    (candidate) =>
      candidate.topLevel === (depth === 0) && candidate.pattern.test(line),
  );
  return rule?.pattern;
}
