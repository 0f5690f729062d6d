/** Carriage returns, ANSI control sequences and stray control bytes. */
const CONTROLS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are the point
  /\r|\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|[\x00-\x08\x0b-\x1f\x7f]/g;

/**
 * Reduces what a terminal session prints to plain text lines, so prompts
 * and `% ` errors can be found whether or not the device was given a pty.
 */
export function stripTerminalControls(chunk: string): string {
  return chunk.replace(CONTROLS, "");
}
