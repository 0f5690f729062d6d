import { deviceNameProblem } from "../core/device-name.ts";
import { isMapping } from "./detect-format.ts";
import {
  type DeviceSettings,
  type ReadSettings,
  readSettings,
  type Scope,
  unknownCheckProblems,
} from "./device-settings.ts";
import type { Environment } from "./expand-env.ts";
import { expandPath } from "./field-parsers.ts";
import type { Problems } from "./problems.ts";
import type { DeviceSpec } from "./types.ts";
import type { UnsetVariables } from "./unset-variables.ts";

export interface ReadContext {
  problems: Problems;
  env: Environment;
  baseDir: string;
  home: string;
  /** Settings whose environment variable is unset, when they are deferred. */
  unset: UnsetVariables;
}

const TOP_LEVEL = ["defaults", "devices"];
const DEFAULT_PORT = 22;
const DEFAULT_KNOWN_HOSTS = "~/.ssh/known_hosts";

/**
 * Reads ncm's own YAML inventory: `defaults` merged under each entry of
 * `devices`. Returns the devices that are complete; every problem is in
 * `ctx.problems`.
 */
export function readNcmInventory(
  doc: Record<string, unknown>,
  ctx: ReadContext,
): DeviceSpec[] {
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL.includes(key)) {
      ctx.problems.add(
        [key],
        `unknown top-level key ${JSON.stringify(key)}; expected defaults or devices`,
      );
    }
  }
  const defaults = readDefaults(doc.defaults, ctx);
  const devices = doc.devices;
  if (!isMapping(devices)) {
    ctx.problems.add(
      ["devices"],
      "invalid devices; expected a mapping from device name to its settings",
    );
    return [];
  }
  if (Object.keys(devices).length === 0) {
    ctx.problems.add(
      ["devices"],
      "no devices; expected at least one entry under devices",
    );
    return [];
  }
  const specs: DeviceSpec[] = [];
  for (const [name, raw] of Object.entries(devices)) {
    const spec = readDevice(name, raw, defaults, ctx);
    if (spec !== undefined) {
      specs.push(spec);
    }
  }
  return specs;
}

function readDefaults(raw: unknown, ctx: ReadContext): ReadSettings {
  if (raw === undefined || raw === null) {
    return { values: {}, given: new Set(), unset: new Map() };
  }
  if (!isMapping(raw)) {
    ctx.problems.add(
      ["defaults"],
      "invalid defaults; expected a mapping of device settings",
    );
    return { values: {}, given: new Set(), unset: new Map() };
  }
  return readSettings(raw, scope(ctx, "in defaults", ["defaults"]));
}

function readDevice(
  name: string,
  raw: unknown,
  defaults: ReadSettings,
  ctx: ReadContext,
): DeviceSpec | undefined {
  const path = ["devices", name];
  const nameProblem = deviceNameProblem(name);
  if (nameProblem !== null) {
    ctx.problems.add(path, nameProblem);
    return undefined;
  }
  const entry = raw ?? {};
  if (!isMapping(entry)) {
    ctx.problems.add(
      path,
      `invalid settings for device ${name}; expected a mapping such as { host: 10.0.0.1 }`,
    );
    return undefined;
  }
  const own = readSettings(entry, scope(ctx, `for device ${name}`, path));
  return complete(name, merge(defaults, own), ctx, path);
}

/**
 * Device settings win over defaults; sim switches merge key by key. A
 * device's own setting wins even when deferred for an unset variable, so
 * the default's value does not stand in for it.
 */
function merge(defaults: ReadSettings, own: ReadSettings): ReadSettings {
  const values: DeviceSettings = { ...defaults.values, ...own.values };
  if (defaults.values.sim !== undefined || own.values.sim !== undefined) {
    values.sim = { ...defaults.values.sim, ...own.values.sim };
  }
  const unset = new Map(
    [...defaults.unset].filter(([key]) => !own.given.has(key)),
  );
  for (const [key, setting] of own.unset) {
    if (own.values[key] === undefined) {
      delete values[key];
    }
    unset.set(key, setting);
  }
  return {
    values,
    given: new Set([...defaults.given, ...own.given]),
    unset,
  };
}

function complete(
  name: string,
  { values: s, given, unset }: ReadSettings,
  ctx: ReadContext,
  path: readonly string[],
): DeviceSpec | undefined {
  for (const { variable, setting } of unset.values()) {
    ctx.unset.record(variable, setting, name);
  }
  const missing = [
    ...missingProblems(name, s, given),
    ...unknownCheckProblems(name, s.platform ?? "eos", s.checks),
  ];
  for (const problem of missing) {
    ctx.problems.add(path, problem);
  }
  if (missing.length > 0 || s.host === undefined || s.username === undefined) {
    return undefined;
  }
  const policy =
    s.hostKeyPolicy ?? (s.knownHosts === undefined ? "pin" : "known-hosts");
  const knownHosts =
    s.knownHosts ??
    (policy === "known-hosts"
      ? expandPath(DEFAULT_KNOWN_HOSTS, ctx.baseDir, ctx.home)
      : undefined);
  return dropUndefined({
    name,
    host: s.host,
    port: s.port ?? DEFAULT_PORT,
    platform: s.platform ?? "eos",
    username: s.username,
    password: s.password,
    privateKeyFile: s.privateKeyFile,
    passphrase: s.passphrase,
    enablePassword: s.enablePassword,
    hostKeyPolicy: policy,
    knownHosts,
    interval: s.interval,
    allowLockout: s.allowLockout,
    bgpPeersExpected: s.bgpPeersExpected,
    checks: s.checks,
    sim: s.sim,
  });
}

function missingProblems(
  name: string,
  s: DeviceSettings,
  given: ReadonlySet<keyof DeviceSettings>,
): string[] {
  const problems: string[] = [];
  if (!given.has("host")) {
    problems.push(
      `device ${name} has no host; expected host: <name or address>`,
    );
  }
  if (!given.has("username")) {
    problems.push(
      `device ${name} has no username; set username in the device or in defaults`,
    );
  }
  const hasSecret = given.has("password") || given.has("privateKeyFile");
  if (!hasSecret || (s.password === "" && s.privateKeyFile === undefined)) {
    problems.push(
      `device ${name} has neither password nor private_key; set one in the device or in defaults`,
    );
  }
  return problems;
}

function scope(
  ctx: ReadContext,
  where: string,
  path: readonly string[],
): Scope {
  return {
    where,
    path,
    problems: ctx.problems,
    env: ctx.env,
    baseDir: ctx.baseDir,
    home: ctx.home,
    deferUnset: ctx.unset.deferred,
  };
}

/** Keeps printed and serialised specs free of `key: undefined` noise. */
function dropUndefined(spec: DeviceSpec): DeviceSpec {
  return Object.fromEntries(
    Object.entries(spec).filter(([, v]) => v !== undefined),
  ) as unknown as DeviceSpec;
}
