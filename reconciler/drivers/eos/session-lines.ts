/**
 * Config lines that act on the config session itself rather than on the
 * config, recognised by their first word, which EOS lets users abbreviate.
 */

/** Words that end the session: loading one would commit or discard it. */
const ENDING = ["commit", "abort"];

/** Words that may leave the session's mode (`exit` only at the top level). */
const LEAVING = ["end", "exit", ...ENDING];

/**
 * True when `text` may take the CLI out of the session's mode. Abbreviated
 * down to two letters: a false alarm costs only a round trip, since such
 * a line is sent on its own.
 */
export function mayLeaveSession(text: string): boolean {
  return startsWithAbbreviation(text, LEAVING, 2);
}

/**
 * True when `text` would commit or abort the session it is loaded into.
 * From three letters: a shorter `co` reads as `comment` or `configure`
 * too. Forms EOS finds ambiguous (`comm`) are refused by the device
 * anyway, so refusing them here loses nothing.
 */
export function endsSession(text: string): boolean {
  return startsWithAbbreviation(text, ENDING, 3);
}

function startsWithAbbreviation(
  text: string,
  words: readonly string[],
  shortest: number,
): boolean {
  const first = text.trim().split(/\s+/, 1)[0]?.toLowerCase() ?? "";
  return (
    first.length >= shortest && words.some((word) => word.startsWith(first))
  );
}
