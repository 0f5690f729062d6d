const SUFFIX = ".cfg";

/**
 * Whether a directory entry name is a device config to publish: it ends in
 * `.cfg` and is no hidden or editor-made file. Editors' swap and backup
 * files (`.leaf1.cfg.swp`, `leaf1.cfg~`, `leaf1.cfg.bak`, `#leaf1.cfg#`,
 * vim's `4913` probe) end otherwise or start with `.` or `#`, so this one
 * rule keeps them all out; `~` covers lock files such as `~leaf1.cfg`.
 */
export function isConfigFileName(name: string): boolean {
  return (
    name.endsWith(SUFFIX) && name.length > SUFFIX.length && !/^[.#~]/.test(name)
  );
}

/** The device a config file is for: its name without `.cfg`. */
export function deviceOfFile(name: string): string {
  return name.endsWith(SUFFIX) ? name.slice(0, -SUFFIX.length) : name;
}
