/**
 * What an inventory reader does with a setting whose environment variable
 * is not set. Commands that log in to devices refuse the file, naming the
 * variable; `ncm inventory`, which never shows a secret, defers: it leaves
 * the setting out (a secret) or shows the reference (`${NCM_USERNAME}`),
 * and warns which devices lack what.
 */
export type UnsetPolicy = "refuse" | "defer";

/** One variable that is not set, and the devices whose setting needs it. */
export interface UnsetVariable {
  variable: string;
  /** The setting as the file names it: password, ansible_user, ... */
  setting: string;
  devices: string[];
}

export class UnsetVariables {
  readonly deferred: boolean;
  readonly #found = new Map<string, UnsetVariable>();

  constructor(policy: UnsetPolicy) {
    this.deferred = policy === "defer";
  }

  record(variable: string, setting: string, device: string): void {
    const key = `${variable}\u0000${setting}`;
    const found = this.#found.get(key) ?? { variable, setting, devices: [] };
    if (!found.devices.includes(device)) {
      found.devices.push(device);
    }
    this.#found.set(key, found);
  }

  list(): UnsetVariable[] {
    return [...this.#found.values()].map((u) => ({
      ...u,
      devices: [...u.devices],
    }));
  }
}

/** Shown in place of a setting whose variable is unset. */
export function reference(variable: string): string {
  return `\${${variable}}`;
}

/** One line for people: what is missing, where, and who needs it. */
export function describeUnset(unset: UnsetVariable): string {
  const devices = unset.devices.join(", ");
  return (
    `environment variable ${unset.variable} is not set, so ${unset.setting} ` +
    `is missing for ${devices}; ncm minion, device and sim refuse the ` +
    "inventory until it is set"
  );
}
