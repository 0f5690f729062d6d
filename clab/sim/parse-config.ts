/**
 * Reading whole configuration texts (an AVD file, a seed config, drift
 * made in a test) into the tree, as if pasted at `configure terminal`.
 */
import { NcmError } from "../../core/errors.ts";
import { ConfigCursor } from "./config-cursor.ts";
import { type ConfigNode, createRoot } from "./config-tree.ts";

export interface ConfigLineError {
  /** 1-based line number in the text. */
  lineNumber: number;
  line: string;
  /** EOS's error text, e.g. `% Invalid input (at token 0: 'bogus')`. */
  message: string;
}

/**
 * Applies `text` to `root` in place: every valid line takes effect, every
 * invalid one is reported and skipped, as EOS does with a paste. A
 * top-level `end` ends the input.
 */
export function applyConfigText(
  root: ConfigNode,
  text: string,
): ConfigLineError[] {
  const cursor = new ConfigCursor(root);
  const errors: ConfigLineError[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (const [index, line] of lines.entries()) {
    const command = line.trimEnd();
    if (command === "end") {
      break;
    }
    if (command.trim() === "exit") {
      cursor.exit();
      continue;
    }
    const message = cursor.feed(line);
    if (message !== null) {
      errors.push({ lineNumber: index + 1, line: command, message });
    }
  }
  return errors;
}

/** Parses a configuration text, collecting the lines EOS would refuse. */
export function parseConfig(text: string): {
  root: ConfigNode;
  errors: ConfigLineError[];
} {
  const root = createRoot();
  const errors = applyConfigText(root, text);
  return { root, errors };
}

/** Parses a configuration text; throws on the first line EOS would refuse. */
export function parseConfigStrict(text: string): ConfigNode {
  const { root, errors } = parseConfig(text);
  const first = errors[0];
  if (first !== undefined) {
    throw rejectedLine(first);
  }
  return root;
}

export function rejectedLine(error: ConfigLineError): NcmError {
  return new NcmError(
    "rejected-config",
    "SIM_REJECTED_LINE",
    `line ${error.lineNumber} refused: ${error.message}`,
    { retryable: false, details: { lineNumber: error.lineNumber } },
  );
}
