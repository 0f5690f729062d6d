import { readdir } from "node:fs/promises";
import { isConfigFileName } from "./config-file-name.ts";

/**
 * The config files directly in `dir`, sorted. Subfolders are not entered
 * (AVD writes its configs flat into one folder); symlinks and folders
 * named `*.cfg` are kept so that reading them refuses them with a reason
 * the user sees, instead of skipping them silently.
 */
export async function scanDir(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter(
      (e) =>
        (e.isFile() || e.isSymbolicLink() || e.isDirectory()) &&
        isConfigFileName(e.name),
    )
    .map((e) => e.name)
    .sort();
}
