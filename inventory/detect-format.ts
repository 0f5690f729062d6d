/** The inventory formats ncm can read. */
export type InventoryFormat = "ncm" | "ansible" | "containerlab";

/** What a group of an Ansible YAML inventory may hold. */
export const ANSIBLE_GROUP_KEYS: readonly string[] = [
  "hosts",
  "children",
  "vars",
];

/**
 * Tells which inventory format a parsed YAML document is in, or null when
 * it is none ncm knows. Each format has a key the others never use at the
 * top: `devices` (ncm), `topology` (containerlab), and groups made of
 * `hosts`/`children`/`vars` (Ansible, usually under `all`; an INI
 * inventory is read into that shape first, see ansible-ini.ts).
 */
export function detectFormat(doc: unknown): InventoryFormat | null {
  if (!isMapping(doc)) {
    return null;
  }
  if ("devices" in doc && !("all" in doc)) {
    return "ncm";
  }
  if (isMapping(doc.topology) && "nodes" in doc.topology) {
    return "containerlab";
  }
  return isAnsible(doc) ? "ansible" : null;
}

function isAnsible(doc: Record<string, unknown>): boolean {
  const groups = Object.values(doc);
  return (
    groups.length > 0 &&
    groups.every((g) => g === null || isMapping(g)) &&
    ("all" in doc ||
      groups.some(
        (g) => isMapping(g) && ANSIBLE_GROUP_KEYS.some((k) => k in g),
      ))
  );
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
