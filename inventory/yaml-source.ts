import { isNode, LineCounter, parseDocument } from "yaml";
import { NcmError } from "../core/errors.ts";

/** A parsed YAML file that can still say where each value came from. */
export interface YamlSource {
  value: unknown;
  /** The 1-based line of the value at `path`, when it exists. */
  lineOf(path: readonly string[]): number | undefined;
}

/**
 * Parses YAML, turning syntax errors into an NcmError with the line and
 * column. The parser's own excerpt of the offending text is left out: that
 * text may be a password.
 */
export function parseYamlSource(text: string, source: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  const first = doc.errors[0];
  if (first !== undefined) {
    const { line, col } = lines.linePos(first.pos[0]);
    const why = withoutToken(first.message) + hint(text, first.pos[0]);
    throw new NcmError(
      "input",
      "INVENTORY_SYNTAX",
      `${source}:${line}:${col}: YAML syntax error: ${why}`,
      { details: { file: source, line, column: col, yamlCode: first.code } },
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new NcmError(
      "input",
      "INVENTORY_SYNTAX",
      `${source}: YAML error: aliases or anchors could not be resolved`,
      { cause: err, details: { file: source } },
    );
  }
  const lineOf = (path: readonly string[]): number | undefined => {
    const node = doc.getIn(path, true);
    const start = isNode(node) ? node.range?.[0] : undefined;
    return start === undefined ? undefined : lines.linePos(start).line;
  };
  return { value, lineOf };
}

/**
 * `${VAR}` is a plain scalar in block style but opens a mapping inside
 * `{ }`, the likeliest syntax error in an inventory; say how to fix it.
 */
function hint(text: string, pos: number): string {
  const quote = text.slice(pos - 1, pos + 1) === "$" + "{";
  return quote ? ' (inside { } put "$' + '{VAR}" in quotes)' : "";
}

/** Drops a trailing `: "token"`, which quotes the user's text. */
function withoutToken(message: string): string {
  return message.replace(/:\s*".*$/s, "");
}
