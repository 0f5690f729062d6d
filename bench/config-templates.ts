import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** One AVD config that device configs are made from. */
export interface ConfigTemplate {
  /** Path under the configs folder, for the record. */
  source: string;
  text: string;
  /** The first user the config defines: the one ncm logs in with. */
  username: string;
}

/** Leaf and spine sized: the multi-hundred-KB outliers are left out. */
const MIN_BYTES = 1024;
const MAX_BYTES = 20 * 1024;

/**
 * Every `.cfg` under `dir` of 1 to 20 KB that defines a user (a config
 * without ncm's login user is refused by the lockout guard), by name.
 */
export async function loadTemplates(dir: string): Promise<ConfigTemplate[]> {
  const names = (await readdir(dir, { recursive: true }))
    .filter((name) => name.endsWith(".cfg"))
    .sort();
  const templates: ConfigTemplate[] = [];
  for (const source of names) {
    const text = await readFile(join(dir, source), "utf8");
    const username = /^username (\S+) /m.exec(text)?.[1];
    const size = Buffer.byteLength(text);
    if (username !== undefined && size >= MIN_BYTES && size <= MAX_BYTES) {
      templates.push({ source, text, username });
    }
  }
  if (templates.length === 0) {
    throw new Error(
      `no usable configs in ${dir}: expected .cfg files of 1 to 20 KB defining a username`,
    );
  }
  return templates;
}

/**
 * The template as device `name`'s config: its own hostname, and `extra`
 * top-level lines before the closing `end` (how the bench makes changes).
 */
export function deviceConfig(
  template: ConfigTemplate,
  name: string,
  extra: readonly string[] = [],
): string {
  const lines = template.text
    .replace(/^hostname .*$/m, `hostname ${name}`)
    .trimEnd()
    .split("\n");
  const end = lines.at(-1) === "end" ? lines.length - 1 : lines.length;
  lines.splice(end, 0, ...extra);
  return `${lines.join("\n")}\n`;
}
