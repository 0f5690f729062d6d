import { fileURLToPath } from "node:url";

/**
 * True when the bench runs from its TypeScript sources (tests, tsx), false
 * when it runs built, from dist/bench/ (`npm run bench`).
 */
export const FROM_SOURCE = import.meta.url.endsWith(".ts");

/** The repository's root folder, from either place. */
export const ROOT = fileURLToPath(
  new URL(FROM_SOURCE ? "../" : "../../", import.meta.url),
);

/** The ncm CLI next to this bench: sources or dist/, as the bench runs. */
export const CLI_MAIN = fileURLToPath(
  new URL(FROM_SOURCE ? "../cli/main.ts" : "../cli/main.js", import.meta.url),
);
