import type { Environment } from "./expand-env.ts";

export type AnsibleValue =
  | { ok: true; value: unknown }
  /** Encrypted with Ansible Vault: present, but unusable to ncm. */
  | { ok: false; vault: true }
  /** `unset` names the environment variable when that is what went wrong. */
  | { ok: false; vault: false; problem: string; unset?: string };

/** `{{ lookup('env', 'NAME') }}`, optionally `ansible.builtin.env`. */
const ENV_LOOKUP = new RegExp(
  String.raw`^\{\{\s*lookup\(\s*(['"])(?:ansible\.builtin\.)?env\1\s*,` +
    String.raw`\s*(['"])([A-Za-z_][A-Za-z0-9_]*)\2\s*\)\s*\}\}$`,
);

const VAULT_HEADER = "$ANSIBLE_VAULT;";

/**
 * The value of an Ansible variable as ncm can use it. ncm runs no Jinja:
 * an environment lookup is the one template it evaluates, since that is
 * how inventories commonly keep passwords out of the file. A problem never
 * quotes the value, which may be a password.
 */
export function ansibleValue(raw: unknown, env: Environment): AnsibleValue {
  if (typeof raw !== "string") {
    return { ok: true, value: raw };
  }
  if (raw.trimStart().startsWith(VAULT_HEADER)) {
    return { ok: false, vault: true };
  }
  if (!raw.includes("{{")) {
    return { ok: true, value: raw };
  }
  const lookup = ENV_LOOKUP.exec(raw.trim());
  const name = lookup?.[3];
  if (name === undefined) {
    return {
      ok: false,
      vault: false,
      problem:
        "is a Jinja template, which ncm does not evaluate; expected a " +
        "plain value or {{ lookup('env', 'NAME') }}",
    };
  }
  const value = env[name];
  if (value === undefined) {
    return {
      ok: false,
      vault: false,
      problem: `needs environment variable ${name}, which is not set`,
      unset: name,
    };
  }
  return { ok: true, value };
}
