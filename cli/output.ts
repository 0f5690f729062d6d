/** Writes text to stdout, ending it with exactly one newline. */
export function writeOut(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Pretty JSON on stdout, for scripts (`--json`). */
export function writeJson(value: unknown): void {
  writeOut(JSON.stringify(value, null, 2));
}

/** Notes for people (hints, "no changes") go to stderr, away from data. */
export function writeNote(text: string): void {
  process.stderr.write(`ncm: ${text}\n`);
}
