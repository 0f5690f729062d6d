/**
 * Turns what `frr-reload.py --test` prints into a diff a person can read.
 *
 * frr-reload prints two sections, "Lines To Delete" and "Lines To Add".
 * Each entry is the command it would send: the enclosing context lines
 * (`router bgp 65001`, indented by depth) and then the command itself. A
 * delete is printed as its negation (`no neighbor …`, or `ip forwarding`
 * for a running `no ip forwarding`), which we turn back into the line as
 * it stands in the running-config.
 */

/** One changed line and the context it lives in. */
export interface ReloadChange {
  kind: "add" | "delete";
  /** Enclosing context lines, outermost first, without indentation. */
  context: string[];
  /** The config line as it reads in the running-config or the candidate. */
  line: string;
}

const SECTION: Record<string, ReloadChange["kind"]> = {
  "Lines To Delete": "delete",
  "Lines To Add": "add",
};

/** The changes, deletes first, in frr-reload's order. */
export function parseReloadTest(output: string): ReloadChange[] {
  const changes: ReloadChange[] = [];
  let kind: ReloadChange["kind"] | null = null;
  let entry: string[] = [];
  const flush = () => {
    if (kind !== null && entry.length > 0) {
      changes.push(change(kind, entry));
    }
    entry = [];
  };
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line in SECTION) {
      flush();
      kind = SECTION[line]!;
      continue;
    }
    if (kind === null || line === "" || /^=+$/.test(line)) {
      continue;
    }
    // Every entry starts at the top level; deeper lines continue it.
    if (!line.startsWith(" ")) {
      flush();
    }
    entry.push(line);
  }
  flush();
  return changes;
}

function change(kind: ReloadChange["kind"], entry: string[]): ReloadChange {
  const context = entry.slice(0, -1).map((line) => line.trim());
  const command = entry.at(-1)!.trim();
  return { kind, context, line: kind === "add" ? command : negate(command) };
}

/** frr-reload deletes X by sending `no X`, and `no X` by sending X. */
function negate(command: string): string {
  return command.startsWith("no ") ? command.slice(3) : `no ${command}`;
}

/**
 * A unified-style diff: changed lines start with `-` or `+`, each under
 * its context lines (which start with a space), indented one space a level
 * as FRR shows its config. A context is printed once for a run of changes
 * inside it.
 */
export function renderReloadDiff(changes: readonly ReloadChange[]): string {
  const out: string[] = [];
  let shown: string[] = [];
  for (const c of changes) {
    const shared = commonPrefix(shown, c.context);
    for (let depth = shared; depth < c.context.length; depth++) {
      out.push(` ${indent(depth)}${c.context[depth]}`);
    }
    const sign = c.kind === "add" ? "+" : "-";
    out.push(`${sign}${indent(c.context.length)}${c.line}`);
    // An added or deleted context is the context of the lines after it.
    shown = [...c.context, c.line];
  }
  return out.map((line) => `${line}\n`).join("");
}

function commonPrefix(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) {
    n++;
  }
  return n;
}

function indent(depth: number): string {
  return " ".repeat(depth);
}
