import { isMapping } from "./detect-format.ts";
import { type Environment, expandEnv } from "./expand-env.ts";
import type { FieldParser } from "./field-parsers.ts";
import * as parse from "./field-parsers.ts";
import type { Problems } from "./problems.ts";
import {
  type HostKeyPolicy,
  PLATFORM_CHECKS,
  type Platform,
  type SimFaults,
} from "./types.ts";

/** What a `defaults` block or one device entry may set. */
export interface DeviceSettings {
  host?: string;
  port?: number;
  platform?: Platform;
  username?: string;
  password?: string;
  privateKeyFile?: string;
  passphrase?: string;
  enablePassword?: string;
  hostKeyPolicy?: HostKeyPolicy;
  knownHosts?: string;
  interval?: string;
  allowLockout?: boolean;
  bgpPeersExpected?: string[];
  checks?: string[];
  sim?: SimFaults;
}

interface FieldDef<T> {
  /** The spelling shown in messages. */
  name: string;
  /** Other accepted spellings, such as camelCase. */
  aliases?: readonly string[];
  /** Its value never appears in a message. */
  secret?: boolean;
  parse: FieldParser<T>;
}

type Table<T> = { [K in keyof T]-?: FieldDef<NonNullable<T[K]>> };

const SIM_FIELDS: Table<SimFaults> = {
  latencyMs: {
    name: "latency_ms",
    aliases: ["latencyMs"],
    parse: parse.nonNegative,
  },
  refuseAuth: {
    name: "refuse_auth",
    aliases: ["refuseAuth"],
    parse: parse.flag,
  },
  dropOn: { name: "drop_on", aliases: ["dropOn"], parse: parse.text },
  failCommit: {
    name: "fail_commit",
    aliases: ["failCommit"],
    parse: parse.flag,
  },
  stall: { name: "stall", parse: parse.stall },
  bgpDown: { name: "bgp_down", aliases: ["bgpDown"], parse: peerList },
};

const DEVICE_FIELDS: Table<Omit<DeviceSettings, "sim">> = {
  host: { name: "host", parse: parse.host },
  port: { name: "port", parse: parse.port },
  platform: { name: "platform", parse: parse.platform },
  username: { name: "username", parse: parse.text },
  password: { name: "password", secret: true, parse: parse.secret },
  privateKeyFile: {
    name: "private_key",
    aliases: ["privateKey"],
    parse: parse.path,
  },
  passphrase: { name: "passphrase", secret: true, parse: parse.secret },
  enablePassword: {
    name: "enable_password",
    aliases: ["enablePassword"],
    secret: true,
    parse: parse.secret,
  },
  hostKeyPolicy: {
    name: "host_key",
    aliases: ["hostKey"],
    parse: parse.hostKeyPolicy,
  },
  knownHosts: {
    name: "known_hosts",
    aliases: ["knownHosts"],
    parse: parse.path,
  },
  interval: { name: "interval", parse: parse.cron },
  allowLockout: {
    name: "allow_lockout",
    aliases: ["allowLockout"],
    parse: parse.flag,
  },
  bgpPeersExpected: {
    name: "bgp_peers_expected",
    aliases: ["bgpPeersExpected"],
    parse: peerList,
  },
  checks: { name: "checks", parse: checkList },
};

/** BGP peers by address or interface name: a list, possibly empty. */
function peerList(
  value: unknown,
  fail: (expected: string) => undefined,
): string[] | undefined {
  const isPeer = (v: unknown) => typeof v === "string" && /^\S+$/.test(v);
  return Array.isArray(value) && value.every(isPeer)
    ? [...value]
    : fail("a list of peer addresses or interface names, e.g. [10.0.0.1]");
}

/**
 * Check names: a non-empty list without repeats. Whether each name exists
 * depends on the platform, known only once defaults are merged, so
 * {@link unknownCheckProblems} judges that.
 */
function checkList(
  value: unknown,
  fail: (expected: string) => undefined,
): string[] | undefined {
  const isName = (v: unknown) => typeof v === "string" && /^\S+$/.test(v);
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(isName) &&
    new Set(value).size === value.length;
  return ok
    ? [...value]
    : fail("a list of distinct check names, e.g. [reachable, bgp-peers]");
}

/**
 * A problem for each name in `checks` that `platform` has no check of,
 * with the names it has.
 */
export function unknownCheckProblems(
  device: string,
  platform: Platform,
  checks: readonly string[] | undefined,
): string[] {
  const known: readonly string[] = PLATFORM_CHECKS[platform];
  return (checks ?? [])
    .filter((name) => !known.includes(name))
    .map(
      (name) =>
        `unknown check ${JSON.stringify(name)} in checks for device ${device} ` +
        `(platform ${platform}); expected one of ${known.join(", ")}`,
    );
}

/** Where settings are read, for paths and the wording of messages. */
export interface Scope {
  /** "for device leaf1" or "in defaults". */
  where: string;
  /** YAML path of the mapping being read. */
  path: readonly string[];
  problems: Problems;
  env: Environment;
  /** Relative file paths are taken from here (the inventory's folder). */
  baseDir: string;
  home: string;
  /** Whether a setting whose variable is unset is refused or deferred. */
  deferUnset: boolean;
}

/** A setting deferred because its environment variable is not set. */
export interface UnsetSetting {
  variable: string;
  /** The key's spelling in messages, e.g. password. */
  setting: string;
}

export interface ReadSettings {
  values: DeviceSettings;
  /** Keys present in the file, valid or not, so a bad value is not also reported missing. */
  given: ReadonlySet<keyof DeviceSettings>;
  /**
   * Settings deferred for an unset variable (only with `deferUnset`): a
   * secret is left out, any other value keeps its `${VAR}` for display.
   */
  unset: ReadonlyMap<keyof DeviceSettings, UnsetSetting>;
}

/** Reads one `defaults` block or device entry, reporting every problem. */
export function readSettings(
  raw: Record<string, unknown>,
  scope: Scope,
): ReadSettings {
  const { sim, ...rest } = raw;
  const unset = new Map<keyof Omit<DeviceSettings, "sim">, UnsetSetting>();
  const read = readFields(rest, DEVICE_FIELDS, scope, ["sim"], "", unset);
  const values: DeviceSettings = read.values;
  const given = new Set<keyof DeviceSettings>(read.given);
  if ("sim" in raw) {
    given.add("sim");
    values.sim = readSim(sim, scope);
  }
  return { values, given, unset };
}

function readSim(raw: unknown, scope: Scope): SimFaults | undefined {
  const path = [...scope.path, "sim"];
  if (!isMapping(raw)) {
    scope.problems.add(
      path,
      `invalid sim ${scope.where}; expected a mapping of fault switches`,
    );
    return undefined;
  }
  // Only `ncm sim` reads fault switches, and it refuses unset variables.
  const strict = { ...scope, path, deferUnset: false };
  return readFields(raw, SIM_FIELDS, strict, [], "sim.").values;
}

function readFields<T extends object>(
  raw: Record<string, unknown>,
  table: Table<T>,
  scope: Scope,
  extraNames: readonly string[],
  prefix = "",
  unset = new Map<keyof T, UnsetSetting>(),
): { values: Partial<T>; given: Set<keyof T> } {
  const index = aliasIndex(table);
  const values: Partial<T> = {};
  const given = new Map<keyof T, string>();
  for (const [key, value] of Object.entries(raw)) {
    const path = [...scope.path, key];
    const prop = index.get(key);
    if (prop === undefined) {
      const names = [
        ...Object.values<FieldDef<unknown>>(table).map((d) => d.name),
        ...extraNames,
      ];
      const expected = names.map((n) => prefix + n).join(", ");
      scope.problems.add(
        path,
        `unknown key ${JSON.stringify(prefix + key)} ${scope.where}; ` +
          `expected one of ${expected}`,
      );
      continue;
    }
    const earlier = given.get(prop);
    if (earlier !== undefined) {
      scope.problems.add(
        path,
        `both ${prefix + earlier} and ${prefix + key} given ${scope.where}; use one`,
      );
      continue;
    }
    given.set(prop, key);
    const def: FieldDef<unknown> = table[prop];
    const onUnset = (variable: string): void => {
      unset.set(prop, { variable, setting: prefix + def.name });
    };
    const parsed = readField(value, def, scope, path, prefix, onUnset);
    if (parsed !== undefined) {
      values[prop] = parsed as T[keyof T];
    }
  }
  return { values, given: new Set(given.keys()) };
}

function readField<T>(
  raw: unknown,
  def: FieldDef<T>,
  scope: Scope,
  path: readonly string[],
  prefix: string,
  onUnset: (variable: string) => void,
): T | undefined {
  const label = prefix + def.name;
  let value = raw;
  if (typeof raw === "string") {
    const expanded = expandEnv(raw, scope.env);
    if (!expanded.ok) {
      const variable = scope.deferUnset ? expanded.unset : undefined;
      const deferred =
        variable === undefined ? null : deferField(raw, def, scope);
      if (variable === undefined || deferred === null) {
        scope.problems.add(path, `${label} ${scope.where} ${expanded.problem}`);
        return undefined;
      }
      onUnset(variable);
      return deferred.value;
    }
    value = expanded.value;
  }
  const fail = (expected: string): undefined => {
    const shown = def.secret === true ? "" : ` ${preview(raw)}`;
    scope.problems.add(
      path,
      `invalid ${label}${shown} ${scope.where}; expected ${expected}`,
    );
    return undefined;
  };
  return def.parse(value, fail, scope.baseDir, scope.home);
}

/**
 * A setting whose variable is unset, for display only: a secret is left
 * out; another value is the text as written, `${VAR}` and all, when it
 * still parses (a user name, a host), else null to refuse it after all.
 */
function deferField<T>(
  raw: string,
  def: FieldDef<T>,
  scope: Scope,
): { value: T | undefined } | null {
  if (def.secret === true) {
    return { value: undefined };
  }
  const value = def.parse(raw, () => undefined, scope.baseDir, scope.home);
  return value === undefined ? null : { value };
}

function aliasIndex<T>(table: Table<T>): Map<string, keyof T> {
  const index = new Map<string, keyof T>();
  for (const prop of Object.keys(table) as (keyof T)[]) {
    const def: FieldDef<unknown> = table[prop];
    index.set(def.name, prop);
    for (const alias of def.aliases ?? []) {
      index.set(alias, prop);
    }
  }
  return index;
}

/** The value as the user wrote it, cut short so a message stays one line. */
function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
