import { readFile } from "node:fs/promises";
import { NcmError } from "../../core/errors.ts";

/**
 * The numeric id of a user or group, from /etc/passwd or /etc/group; null
 * when there is none. Local files only: lab users and FRR's own accounts
 * are always local.
 */
export async function lookupId(
  kind: "user" | "group",
  name: string,
): Promise<number | null> {
  const file = kind === "user" ? "/etc/passwd" : "/etc/group";
  const text = await readFile(file, "utf8");
  for (const line of text.split("\n")) {
    const [entry, , id] = line.split(":");
    if (entry === name && id !== undefined) {
      return Number(id);
    }
  }
  return null;
}

/** The comment (GECOS) field of a user, or null when there is no such user. */
export async function userComment(name: string): Promise<string | null> {
  const text = await readFile("/etc/passwd", "utf8");
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    if (fields[0] === name) {
      return fields[4] ?? "";
    }
  }
  return null;
}

/** Like {@link lookupId}, for accounts that must exist (frr's own). */
export async function requireId(
  kind: "user" | "group",
  name: string,
): Promise<number> {
  const id = await lookupId(kind, name);
  if (id === null) {
    throw new NcmError(
      "input",
      "LAB_UNAVAILABLE",
      `no ${kind} ${JSON.stringify(name)} on this machine; ` +
        "the frr package creates it (apt-get install frr)",
    );
  }
  return id;
}
