/** The inventory formats ncm can read. */
export type InventoryFormat = "ncm";

/**
 * Tells which inventory format a parsed YAML document is in, or null when
 * it is none ncm knows.
 *
 * FIXME: Ansible inventories (`all:` with `hosts`/`children`) and
 * containerlab topologies (`topology: nodes:`) are not recognised yet; each
 * needs its own reader next to ncm-format.ts and a branch here.
 */
export function detectFormat(doc: unknown): InventoryFormat | null {
  if (isMapping(doc) && "devices" in doc) {
    return "ncm";
  }
  return null;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
