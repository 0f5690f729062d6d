import { readdir } from "node:fs/promises";
import { isConfigFileName } from "./config-file-name.ts";

/**
 * The config files directly in `dir`, sorted. Subfolders are not entered
 * (AVD writes its configs flat into one folder) and folders named `*.cfg`
 * are skipped; symlinks are kept and checked when read.
 */
export async function scanDir(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter(
      (e) => (e.isFile() || e.isSymbolicLink()) && isConfigFileName(e.name),
    )
    .map((e) => e.name)
    .sort();
}
