/** A line to send to the device, numbered as in the submitted text. */
export interface ConfigLine {
  /** 1-based line number in the submitted config. */
  lineNumber: number;
  /** The line with its indentation, which gives sections on EOS. */
  text: string;
}

/**
 * The lines of a config that mean something to the device: comments (`!`),
 * blank lines and the closing `end` are left out, indentation is kept.
 *
 * FIXME: multi-line values (`banner motd` … `EOF`, certificates) are sent
 * line by line like everything else; their blank and `!` lines would be
 * dropped. AVD output has none; support them when a config needs it.
 */
export function configLines(config: string): ConfigLine[] {
  const lines: ConfigLine[] = [];
  const raw = config.split("\n");
  for (let i = 0; i < raw.length; i++) {
    const text = (raw[i] ?? "").replace(/\r$/, "").trimEnd();
    const bare = text.trimStart();
    if (bare === "" || bare.startsWith("!") || bare === "end") {
      continue;
    }
    lines.push({ lineNumber: i + 1, text });
  }
  return lines;
}
