import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** ncm's version from package.json, found from the source tree or `dist/`. */
function readVersion(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ["..", "../.."]) {
    try {
      const pkg = JSON.parse(
        readFileSync(join(here, up, "package.json"), "utf8"),
      ) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "ncm" && typeof pkg.version === "string") {
        return pkg.version;
      }
    } catch {
      // Not at this level; try the next one up.
    }
  }
  return "0.0.0";
}

export const VERSION = readVersion();
