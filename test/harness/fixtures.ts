import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The fixtures shared by the project live beside the repository, in
 * `../shared/fixtures`; NCM_FIXTURES points elsewhere. A missing folder fails
 * the suite with the path it looked for, rather than skipping it unseen.
 */
export const FIXTURES = resolve(
  process.env.NCM_FIXTURES ?? resolve(ROOT, "../shared/fixtures"),
);

/** A path inside the shared fixtures, checked to exist. */
export function fixture(...parts: string[]): string {
  const path = resolve(FIXTURES, ...parts);
  if (!existsSync(path)) {
    throw new Error(
      `test fixture ${path} not found: clone ncm beside the shared fixtures or set NCM_FIXTURES`,
    );
  }
  return path;
}
