import type { DeviceSpec, HostKeyPolicy, Platform } from "./types.ts";

/** What may be shown about a device: everything but its secrets. */
export interface PublicDevice {
  device: string;
  host: string;
  port: number;
  platform: Platform;
  user: string;
  /** Which credentials are configured, never their values. */
  auth: "password" | "private-key" | "password+private-key";
  hostKey: HostKeyPolicy;
  knownHosts?: string;
  privateKeyFile?: string;
  interval?: string;
  allowLockout?: boolean;
}

/**
 * Builds the view field by field rather than deleting secrets from a
 * copy, so a secret added to DeviceSpec later cannot leak through here.
 */
export function publicView(spec: DeviceSpec): PublicDevice {
  const view: PublicDevice = {
    device: spec.name,
    host: spec.host,
    port: spec.port,
    platform: spec.platform,
    user: spec.username,
    auth: authKind(spec),
    hostKey: spec.hostKeyPolicy,
  };
  if (spec.knownHosts !== undefined) view.knownHosts = spec.knownHosts;
  if (spec.privateKeyFile !== undefined) {
    view.privateKeyFile = spec.privateKeyFile;
  }
  if (spec.interval !== undefined) view.interval = spec.interval;
  if (spec.allowLockout !== undefined) view.allowLockout = spec.allowLockout;
  return view;
}

function authKind(spec: DeviceSpec): PublicDevice["auth"] {
  const password = spec.password !== undefined && spec.password !== "";
  if (spec.privateKeyFile === undefined) {
    return "password";
  }
  return password ? "password+private-key" : "private-key";
}
