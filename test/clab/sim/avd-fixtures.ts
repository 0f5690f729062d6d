import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fixture } from "../../harness/fixtures.ts";

/** The Arista AVD example configs shared by the project. */
export const AVD_DIR = fixture("avd");

export interface Fixture {
  /** Path relative to the fixture directory. */
  name: string;
  text: string;
}

/** Every `.cfg` file under the fixture directory, sorted by name. */
export function avdFixtures(dir = AVD_DIR): Fixture[] {
  const entries = readdirSync(dir, { recursive: true, encoding: "utf8" });
  return entries
    .filter((entry) => entry.endsWith(".cfg"))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));
}

export function leaf1Fixture(): string {
  return readFileSync(join(AVD_DIR, "intended/configs/leaf1.cfg"), "utf8");
}
