const GREEN = "\u001b[32m";
const RED = "\u001b[31m";
const CYAN = "\u001b[36m";
const BOLD = "\u001b[1m";
const RESET = "\u001b[0m";

/**
 * True when output to the stream may carry colour: a terminal, and the
 * user did not opt out with NO_COLOR (https://no-color.org).
 */
export function wantsColour(stream: { isTTY?: boolean }): boolean {
  const noColour = process.env.NO_COLOR;
  return stream.isTTY === true && (noColour === undefined || noColour === "");
}

/** Colours added and removed lines of a unified diff; headers in bold. */
export function colourDiff(diff: string, colour: boolean): string {
  if (!colour) {
    return diff;
  }
  return diff
    .split("\n")
    .map((line) => {
      const style = styleOf(line);
      return style === null || line === "" ? line : `${style}${line}${RESET}`;
    })
    .join("\n");
}

function styleOf(line: string): string | null {
  if (line.startsWith("+++") || line.startsWith("---")) {
    return BOLD;
  }
  if (line.startsWith("@@")) {
    return CYAN;
  }
  if (line.startsWith("+")) {
    return GREEN;
  }
  return line.startsWith("-") ? RED : null;
}
