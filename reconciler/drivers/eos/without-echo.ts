/**
 * Drops the device's echo of the command, if it printed one. Compared
 * without surrounding blanks: the prompt's trailing space and the echo's
 * indentation run together.
 */
export function withoutEcho(lines: string[], command: string): string[] {
  if (lines[0]?.trim() === command.trim()) {
    return lines.slice(1);
  }
  return lines;
}
