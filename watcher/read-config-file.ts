import type { Stats } from "node:fs";
import { lstat, readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";

export type ReadResult =
  | { status: "ok"; text: string; bytes: number }
  /** No such file: it was deleted. */
  | { status: "missing" }
  | { status: "refused"; reason: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads `dir/name` as config text, or says why it cannot be published.
 * `dir` must be a real path (symlinks resolved) so that a symlink's target
 * can be checked to lie inside it.
 */
export async function readConfigFile(
  dir: string,
  name: string,
  maxBytes: number,
): Promise<ReadResult> {
  const path = join(dir, name);
  let link: Stats;
  try {
    link = await lstat(path);
  } catch (err) {
    return isMissing(err) ? { status: "missing" } : failure(err, path);
  }
  try {
    if (link.isSymbolicLink()) {
      const outside = await symlinkProblem(dir, path);
      if (outside !== null) {
        return refused(outside);
      }
    }
    const info = await stat(path);
    if (!info.isFile()) {
      return refused("not a regular file");
    }
    if (info.size > maxBytes) {
      return refused(tooLarge(info.size, maxBytes));
    }
    return decode(await readFile(path), maxBytes);
  } catch (err) {
    // It existed a moment ago: deleted or renamed away while we read it.
    return isMissing(err)
      ? refused("the file vanished while being read")
      : failure(err, path);
  }
}

async function symlinkProblem(
  dir: string,
  path: string,
): Promise<string | null> {
  let target: string;
  try {
    target = await realpath(path);
  } catch (err) {
    if (isMissing(err)) {
      return "a symlink to a file that does not exist";
    }
    throw err;
  }
  return inside(dir, target)
    ? null
    : `a symlink pointing outside the watched folder (to ${target})`;
}

function decode(data: Buffer, maxBytes: number): ReadResult {
  if (data.length > maxBytes) {
    return refused(tooLarge(data.length, maxBytes));
  }
  if (data.includes(0)) {
    return refused("contains NUL bytes (a binary file, not config text)");
  }
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return refused("not UTF-8 text");
  }
  if (text.trim().length === 0) {
    return refused(data.length === 0 ? "empty" : "blank (only whitespace)");
  }
  return { status: "ok", text, bytes: data.length };
}

function failure(err: unknown, path: string): ReadResult {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ELOOP") {
    return refused("a symlink loop");
  }
  return refused(`cannot read ${path}: ${code ?? String(err)}`);
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === "ENOENT";
}

function inside(dir: string, target: string): boolean {
  const rel = relative(dir, target);
  return rel !== "" && rel.split(sep)[0] !== ".." && !isAbsolute(rel);
}

function tooLarge(size: number, maxBytes: number): string {
  return (
    `${size} bytes, larger than the ${maxBytes} bytes a NATS message may ` +
    "carry here (server max_payload less room for headers)"
  );
}

function refused(reason: string): ReadResult {
  return { status: "refused", reason };
}
