import { deviceNameProblem } from "../core/device-name.ts";
import { type AnsibleHost, ansibleHosts } from "./ansible-host-vars.ts";
import { ansibleValue } from "./ansible-value.ts";
import { compactSpec } from "./compact-spec.ts";
import {
  ENV_PASSWORD,
  ENV_USERNAME,
  envCredentials,
} from "./env-credentials.ts";
import type { FieldParser } from "./field-parsers.ts";
import * as parse from "./field-parsers.ts";
import { expandPath } from "./field-parsers.ts";
import type { FormatContext } from "./format-context.ts";
import type { DeviceSpec, HostKeyPolicy, Platform } from "./types.ts";
import { reference } from "./unset-variables.ts";

/** `ansible_network_os` values ncm manages, lower-cased. */
const NETWORK_OS: Readonly<Record<string, Platform>> = {
  "arista.eos.eos": "eos",
  eos: "eos",
  "frr.frr.frr": "frr",
  frr: "frr",
};

/** Each setting's variables, the first one set winning. */
const VARS = {
  host: ["ansible_host", "ansible_ssh_host"],
  port: ["ansible_port", "ansible_ssh_port"],
  user: ["ansible_user", "ansible_ssh_user"],
  password: ["ansible_password", "ansible_ssh_pass", "ansible_ssh_password"],
  key: ["ansible_ssh_private_key_file", "ansible_private_key_file"],
  // network_cli's `become_method: enable` answers enable with it.
  enablePassword: ["ansible_become_password", "ansible_become_pass"],
  hostKeyChecking: [
    "ansible_host_key_checking",
    "ansible_ssh_host_key_checking",
  ],
  connection: ["ansible_connection"],
  networkOs: ["ansible_network_os"],
  platform: ["ncm_platform"],
  hostKey: ["ncm_host_key"],
  knownHosts: ["ncm_known_hosts"],
  interval: ["ncm_interval"],
  allowLockout: ["ncm_allow_lockout"],
} as const;

const DEFAULT_PORT = 22;
const DEFAULT_KNOWN_HOSTS = "~/.ssh/known_hosts";

interface Field<T> {
  value?: T;
  /** The variable that was set, valid or not. */
  name?: string;
  /** Set, but encrypted with Ansible Vault. */
  vault?: boolean;
  /** Set from an unset environment variable, deferred for display. */
  deferred?: boolean;
}

/**
 * Reads an Ansible YAML inventory (such as AVD's `inventory.yml`). Hosts
 * whose `ansible_network_os` is EOS or FRR become devices; others are
 * skipped with a note. ncm always logs in over SSH: `ansible_connection`
 * httpapi and its `ansible_httpapi_port` are ignored.
 */
export function readAnsibleInventory(
  doc: Record<string, unknown>,
  ctx: FormatContext,
): DeviceSpec[] {
  const hosts = ansibleHosts(doc, ctx.problems, ctx.notes);
  const specs: DeviceSpec[] = [];
  for (const host of hosts) {
    const spec = readHost(host, ctx);
    if (spec !== undefined) {
      specs.push(spec);
    }
  }
  noteHttpapi(hosts, specs, ctx);
  if (specs.length === 0 && ctx.problems.count === 0) {
    ctx.problems.add(
      [],
      "no hosts ncm can manage; expected hosts whose ansible_network_os " +
        "is arista.eos.eos or frr.frr.frr",
    );
  }
  return specs;
}

function readHost(
  host: AnsibleHost,
  ctx: FormatContext,
): DeviceSpec | undefined {
  const before = ctx.problems.count;
  const platform = platformOf(host, ctx);
  if (platform === undefined) {
    return undefined;
  }
  const nameProblem = deviceNameProblem(host.name);
  if (nameProblem !== null) {
    ctx.problems.add(host.path, nameProblem);
    return undefined;
  }
  const get = <T>(names: readonly string[], parser: FieldParser<T>) =>
    field(host, names, parser, ctx);
  const address = get(VARS.host, parse.host).value ?? host.name;
  const port = get(VARS.port, parse.port).value ?? DEFAULT_PORT;
  const login = credentials(host, ctx);
  const hostKey = hostKeyOf(host, ctx);
  const spec = compactSpec({
    name: host.name,
    host: address,
    port,
    platform,
    username: login?.username ?? "",
    password: login?.password,
    privateKeyFile: login?.privateKeyFile,
    enablePassword: field(host, VARS.enablePassword, parse.secret, ctx, {
      vaultOk: true,
      secret: true,
    }).value,
    ...hostKey,
    interval: get(VARS.interval, parse.cron).value,
    allowLockout: get(VARS.allowLockout, parse.flag).value,
  });
  return ctx.problems.count === before && login !== undefined
    ? spec
    : undefined;
}

function platformOf(
  host: AnsibleHost,
  ctx: FormatContext,
): Platform | undefined {
  const forced = field(host, VARS.platform, parse.platform, ctx);
  if (forced.name !== undefined) {
    return forced.value;
  }
  const os = field(host, VARS.networkOs, parse.text, ctx);
  if (os.name === undefined) {
    ctx.notes.push(
      `skipped host ${host.name}: no ansible_network_os ` +
        "(ncm manages arista.eos.eos and frr.frr.frr)",
    );
    return undefined;
  }
  if (os.value === undefined) {
    return undefined;
  }
  const platform = NETWORK_OS[os.value.toLowerCase()];
  if (platform === undefined) {
    ctx.notes.push(
      `skipped host ${host.name}: ansible_network_os ${JSON.stringify(os.value)} ` +
        "is not one ncm manages (arista.eos.eos, frr.frr.frr)",
    );
  }
  return platform;
}

/**
 * The inventory's credentials, else NCM_USERNAME / NCM_PASSWORD from the
 * environment, which is also the way round vault-encrypted values.
 */
function credentials(
  host: AnsibleHost,
  ctx: FormatContext,
):
  | { username: string; password?: string; privateKeyFile?: string }
  | undefined {
  const env = envCredentials(ctx.env);
  const vaultOk = { vaultOk: true };
  const user = field(host, VARS.user, parse.text, ctx, vaultOk);
  const password = field(host, VARS.password, parse.secret, ctx, {
    ...vaultOk,
    secret: true,
  });
  const key = field(host, VARS.key, parse.path, ctx);
  let username = user.value ?? env.username;
  const secret = password.value ?? env.password;
  if (username === undefined && (user.name === undefined || user.vault)) {
    username = fromEnvOrMissing(host, ctx, ENV_USERNAME, "username", () =>
      missing(host, user, "ansible_user", ENV_USERNAME),
    );
  }
  if (secret === undefined && key.name === undefined && !password.deferred) {
    fromEnvOrMissing(host, ctx, ENV_PASSWORD, "password", () =>
      missing(host, password, "ansible_password", ENV_PASSWORD),
    );
  }
  if (username === undefined) {
    return undefined;
  }
  return { username, password: secret, privateKeyFile: key.value };
}

/**
 * A login setting that only the environment could give and does not: the
 * variable's reference when unset variables are deferred, else a problem.
 */
function fromEnvOrMissing(
  host: AnsibleHost,
  ctx: FormatContext,
  variable: string,
  setting: string,
  problem: () => string,
): string | undefined {
  if (!ctx.unset.deferred) {
    ctx.problems.add(host.path, problem());
    return undefined;
  }
  ctx.unset.record(variable, setting, host.name);
  return reference(variable);
}

function missing(
  host: AnsibleHost,
  read: Field<string>,
  variable: string,
  envName: string,
): string {
  if (read.vault === true) {
    return (
      `${read.name} of host ${host.name} is encrypted with Ansible Vault, ` +
      `which ncm cannot decrypt; set ${envName} instead`
    );
  }
  const also =
    variable === "ansible_password" ? " (or ansible_ssh_private_key_file)" : "";
  return `host ${host.name} has no ${variable}${also}; set it in the inventory or ${envName}`;
}

function hostKeyOf(
  host: AnsibleHost,
  ctx: FormatContext,
): { hostKeyPolicy: HostKeyPolicy; knownHosts?: string } {
  const policy = field(host, VARS.hostKey, parse.hostKeyPolicy, ctx).value;
  const checking = field(host, VARS.hostKeyChecking, parse.flag, ctx).value;
  const knownHosts = field(host, VARS.knownHosts, parse.path, ctx).value;
  const chosen: HostKeyPolicy =
    policy ??
    (checking === false
      ? "insecure"
      : checking === true || knownHosts !== undefined
        ? "known-hosts"
        : "pin");
  if (chosen !== "known-hosts") {
    return { hostKeyPolicy: chosen, knownHosts };
  }
  return {
    hostKeyPolicy: chosen,
    knownHosts:
      knownHosts ?? expandPath(DEFAULT_KNOWN_HOSTS, ctx.baseDir, ctx.home),
  };
}

/**
 * Reads the first of `names` that is set, reporting a bad value. A
 * vault-encrypted value is a problem unless the caller has a way round it.
 */
function field<T>(
  host: AnsibleHost,
  names: readonly string[],
  parser: FieldParser<T>,
  ctx: FormatContext,
  options: { secret?: boolean; vaultOk?: boolean } = {},
): Field<T> {
  const name = names.find((n) => host.vars.has(n));
  const set = name === undefined ? undefined : host.vars.get(name);
  if (name === undefined || set === undefined) {
    return {};
  }
  const resolved = ansibleValue(set.value, ctx.env);
  const unset = resolved.ok || resolved.vault ? undefined : resolved.unset;
  if (unset !== undefined && ctx.unset.deferred) {
    const deferred = deferField(unset, parser, options.secret === true, ctx);
    if (deferred !== null) {
      ctx.unset.record(unset, name, host.name);
      return { name, value: deferred.value, deferred: true };
    }
  }
  if (!resolved.ok) {
    const problem = resolved.vault
      ? "is encrypted with Ansible Vault, which ncm cannot decrypt"
      : resolved.problem;
    if (!resolved.vault || options.vaultOk !== true) {
      ctx.problems.add(set.path, `${name} for host ${host.name} ${problem}`);
    }
    return { name, vault: resolved.vault };
  }
  const fail = (expected: string): undefined => {
    const shown = options.secret === true ? "" : ` ${preview(set.value)}`;
    ctx.problems.add(
      set.path,
      `invalid ${name}${shown} for host ${host.name}; expected ${expected}`,
    );
    return undefined;
  };
  return { name, value: parser(resolved.value, fail, ctx.baseDir, ctx.home) };
}

/**
 * A variable's value taken from an unset environment variable, for
 * display: a secret is left out, another value shows as `${VAR}` when it
 * parses so (a user name), else null to refuse it after all (a port).
 */
function deferField<T>(
  variable: string,
  parser: FieldParser<T>,
  secret: boolean,
  ctx: FormatContext,
): { value: T | undefined } | null {
  if (secret) {
    return { value: undefined };
  }
  const fail = (): undefined => undefined;
  const value = parser(reference(variable), fail, ctx.baseDir, ctx.home);
  return value === undefined ? null : { value };
}

function noteHttpapi(
  hosts: readonly AnsibleHost[],
  specs: readonly DeviceSpec[],
  ctx: FormatContext,
): void {
  const kept = new Set(specs.map((s) => s.name));
  const httpapi = hosts.some((h) => {
    const connection = h.vars.get(VARS.connection[0])?.value;
    return (
      kept.has(h.name) &&
      typeof connection === "string" &&
      connection.endsWith("httpapi")
    );
  });
  if (httpapi) {
    ctx.notes.push(
      "ansible_connection httpapi is not used: ncm logs in over SSH, on " +
        "ansible_port or 22 (ansible_httpapi_port is ignored)",
    );
  }
}

/** The value as the user wrote it, cut short so a message stays one line. */
function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
