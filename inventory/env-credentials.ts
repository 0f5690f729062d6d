import type { Environment } from "./expand-env.ts";

/**
 * Login settings taken from the environment where an inventory format
 * has none of its own (containerlab) or leaves them out (Ansible).
 */
export interface EnvCredentials {
  username?: string;
  password?: string;
}

export const ENV_USERNAME = "NCM_USERNAME";
export const ENV_PASSWORD = "NCM_PASSWORD";

/** Blank variables count as unset, as a shell's `VAR=` usually means. */
export function envCredentials(env: Environment): EnvCredentials {
  const username = env[ENV_USERNAME]?.trim();
  const password = env[ENV_PASSWORD];
  return {
    username: username === "" ? undefined : username,
    password: password === "" ? undefined : password,
  };
}
