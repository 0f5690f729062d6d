/**
 * Ansible's INI inventory format (`hosts` files), read into the shape of
 * its YAML format so that one reader resolves groups and variables for
 * both. What Ansible's INI plugin accepts, ncm accepts:
 *
 * - `[group]` lists hosts, `[group:vars]` sets variables, `[group:children]`
 *   names child groups; hosts before any section are in `ungrouped`.
 * - A host line is a name or pattern (`leaf[01:04]`, `spine-[a:b]`,
 *   optionally `:port`) then `key=value` variables, quoted as a shell
 *   would; a `#` token starts a comment.
 * - Host-line values are Python literals to Ansible: a bare integer or
 *   True/False is a number or a boolean, anything quoted stays text.
 *   `:vars` values are always text.
 */
import { NcmError } from "../core/errors.ts";
import type { YamlSource } from "./yaml-source.ts";

const SECTION = /^\[([^\]:\s]+)(?::([^\]\s]+))?\]$/;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RANGE = /\[([0-9]+|[a-z]+|[A-Z]+):([0-9]+|[a-z]+|[A-Z]+)(?::([0-9]+))?\]/;
/** More hosts than this from one pattern is a typo, not a fleet. */
const MAX_RANGE = 100_000;

/**
 * True when `text` is an INI inventory rather than YAML: its first line
 * that is no comment is a `[section]` header or a host with `key=value`
 * variables. Neither is a mapping in YAML, so no YAML inventory is taken
 * for one.
 */
export function looksLikeAnsibleIni(text: string): boolean {
  const first = significantLines(text)[0];
  if (first === undefined) {
    return false;
  }
  return (
    SECTION.test(first.text) ||
    /^[^\s:#=[\]]+(?:\[[^\]]+\][^\s:#=]*)*(?::\d+)?\s+[A-Za-z_]\w*=/.test(
      first.text,
    )
  );
}

interface Line {
  number: number;
  text: string;
}

type Mapping = Record<string, unknown>;

/**
 * Reads an INI inventory into `{ all: {...}, <group>: { hosts, vars,
 * children } }`, with the line of every group, host and variable for
 * messages. A line it cannot read is an INVENTORY_SYNTAX error naming the
 * line; the line itself is not quoted, as it may hold a password.
 */
export function parseAnsibleIni(text: string, source: string): YamlSource {
  const doc: Record<string, Mapping> = { all: {} };
  const lines = new Map<string, number>();
  const at = (path: readonly string[], line: number) => {
    const key = path.join("\0");
    if (!lines.has(key)) {
      lines.set(key, line);
    }
  };
  const fail = (line: number, why: string): never => {
    throw new NcmError(
      "input",
      "INVENTORY_SYNTAX",
      `${source}:${line}: Ansible INI inventory: ${why}`,
      { details: { file: source, line } },
    );
  };
  const groupOf = (name: string, line: number): Mapping => {
    doc[name] ??= {};
    at([name], line);
    return doc[name];
  };
  const part = (group: Mapping, key: string): Mapping => {
    const existing = group[key];
    if (existing !== undefined) {
      return existing as Mapping;
    }
    const created: Mapping = {};
    group[key] = created;
    return created;
  };

  let group = "ungrouped";
  let kind = "hosts";
  for (const { number, text: line } of significantLines(text)) {
    const section = SECTION.exec(line);
    if (section !== null) {
      group = section[1] as string;
      kind = section[2] ?? "hosts";
      if (section[2] !== undefined && !["vars", "children"].includes(kind)) {
        fail(
          number,
          `unknown section [${group}:${kind}]; expected [${group}], [${group}:vars] or [${group}:children]`,
        );
      }
      groupOf(group, number);
      continue;
    }
    if (line.startsWith("[")) {
      fail(
        number,
        "a section header must be [group], [group:vars] or [group:children]",
      );
    }
    const target = groupOf(group, number);
    if (kind === "children") {
      const child = line.split(/\s+/)[0] as string;
      part(target, "children")[child] = null;
      at([group, "children", child], number);
    } else if (kind === "vars") {
      const [key, value] = keyValue(line, number, fail);
      part(target, "vars")[key] = value;
      at([group, "vars", key], number);
    } else {
      const { hosts, vars } = hostLine(line, number, fail);
      const listed = part(target, "hosts");
      for (const host of hosts) {
        const own = (listed[host] ?? {}) as Mapping;
        Object.assign(own, vars);
        listed[host] = own;
        at([group, "hosts", host], number);
        for (const key of Object.keys(vars)) {
          at([group, "hosts", host, key], number);
        }
      }
    }
  }
  const lineOf = (path: readonly string[]): number | undefined => {
    for (let n = path.length; n > 0; n--) {
      const line = lines.get(path.slice(0, n).join("\0"));
      if (line !== undefined) {
        return line;
      }
    }
    return undefined;
  };
  return { value: doc, lineOf };
}

function significantLines(text: string): Line[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ number: i + 1, text: raw.trim() }))
    .filter(
      (l) =>
        l.text !== "" && !l.text.startsWith("#") && !l.text.startsWith(";"),
    );
}

type Fail = (line: number, why: string) => never;

/** `key=value` of a `:vars` section; the value is text, unquoted. */
function keyValue(line: string, number: number, fail: Fail): [string, string] {
  const eq = line.indexOf("=");
  if (eq < 0) {
    fail(number, "expected key=value in a [group:vars] section");
  }
  const key = line.slice(0, eq).trim();
  if (!VARIABLE.test(key)) {
    fail(number, `invalid variable name ${JSON.stringify(key)}`);
  }
  const value = line.slice(eq + 1).trim();
  const quoted = /^(["'])(.*)\1$/s.exec(value);
  return [key, quoted === null ? value : (quoted[2] as string)];
}

/** The hosts a host line names, and the variables it gives them. */
function hostLine(
  line: string,
  number: number,
  fail: Fail,
): { hosts: string[]; vars: Mapping } {
  const tokens = splitWords(line, number, fail);
  const [pattern, ...rest] = tokens;
  const vars: Mapping = {};
  let name = (pattern as Token).text;
  const port = /^(.*[^:]):(\d+)$/.exec(name);
  if (port !== null && !name.includes("::")) {
    name = port[1] as string;
    vars.ansible_port = Number(port[2]);
  }
  for (const token of rest) {
    if (token.text.startsWith("#") && !token.quoted) {
      break;
    }
    const eq = token.text.indexOf("=");
    const key = eq < 0 ? "" : token.text.slice(0, eq);
    if (!VARIABLE.test(key)) {
      fail(
        number,
        `expected key=value after the host name, got a word that is no variable assignment (word ${rest.indexOf(token) + 2})`,
      );
    }
    const value = token.text.slice(eq + 1);
    vars[key] = token.quoted ? value : literal(value);
  }
  return { hosts: expandRanges(name, number, fail), vars };
}

/** Ansible evaluates an unquoted host-line value as a Python literal. */
function literal(value: string): unknown {
  if (/^-?\d+$/.test(value)) {
    return Number(value);
  }
  if (value === "True" || value === "False") {
    return value === "True";
  }
  return value;
}

interface Token {
  text: string;
  /** Some part of it was in quotes. */
  quoted: boolean;
}

/** Splits a line into words as a POSIX shell would (quotes, backslash). */
function splitWords(line: string, number: number, fail: Fail): Token[] {
  const tokens: Token[] = [];
  let text = "";
  let quoted = false;
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote !== null) {
      if (c === quote) {
        quote = null;
      } else if (c === "\\" && quote === '"' && i + 1 < line.length) {
        text += line[++i];
      } else {
        text += c;
      }
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) {
        tokens.push({ text, quoted });
      }
      text = "";
      quoted = false;
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === '"' || c === "'") {
      quote = c;
      quoted = true;
    } else if (c === "\\" && i + 1 < line.length) {
      text += line[++i];
    } else {
      text += c;
    }
  }
  if (quote !== null) {
    fail(number, `unclosed ${quote} quote`);
  }
  if (inWord) {
    tokens.push({ text, quoted });
  }
  return tokens;
}

/** `leaf[01:03]` → leaf01, leaf02, leaf03; letters too; `[1:9:2]` steps. */
function expandRanges(pattern: string, number: number, fail: Fail): string[] {
  const range = RANGE.exec(pattern);
  if (range === null) {
    if (/[[\]]/.test(pattern)) {
      fail(
        number,
        `invalid host range in ${JSON.stringify(pattern)}; expected [START:END] or [START:END:STEP]`,
      );
    }
    return [pattern];
  }
  const [whole, from, to, stepText] = range as unknown as [
    string,
    string,
    string,
    string | undefined,
  ];
  const step = stepText === undefined ? 1 : Number(stepText);
  const numeric = /^\d+$/.test(from);
  if (numeric !== /^\d+$/.test(to) || step < 1) {
    fail(number, `invalid host range ${whole}`);
  }
  const start = numeric ? Number(from) : from.charCodeAt(0);
  const end = numeric ? Number(to) : to.charCodeAt(0);
  if ((!numeric && (from.length > 1 || to.length > 1)) || end < start) {
    fail(number, `invalid host range ${whole}`);
  }
  if ((end - start) / step > MAX_RANGE) {
    fail(number, `host range ${whole} names more than ${MAX_RANGE} hosts`);
  }
  const head = pattern.slice(0, range.index);
  const tail = pattern.slice(range.index + whole.length);
  const hosts: string[] = [];
  for (let i = start; i <= end; i += step) {
    const item = numeric
      ? String(i).padStart(from.length, "0")
      : String.fromCharCode(i);
    for (const rest of expandRanges(`${item}${tail}`, number, fail)) {
      hosts.push(`${head}${rest}`);
    }
  }
  return hosts;
}
