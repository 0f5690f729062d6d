/**
 * The inventory: which devices exist and how to reach them. Loaded from
 * ncm's own YAML (and, later, Ansible and containerlab files) into this
 * normalised shape. Secrets live here and nowhere else: they never enter
 * NATS, logs or events.
 */

export type Platform = "eos" | "frr";

export const PLATFORMS: readonly Platform[] = ["eos", "frr"];

/**
 * The health checks of each platform, in the order `check` runs them. The
 * inventory's `checks` key is validated against these names, so a check
 * added to functions/checks/registry.ts is named here too (the compiler
 * holds the two together).
 */
export const PLATFORM_CHECKS = {
  eos: ["reachable", "in-sync", "no-pending-commit", "bgp-peers"],
  frr: ["reachable", "in-sync", "bgp-peers"],
} as const satisfies Record<Platform, readonly string[]>;

/** A health check's name on platform `P`. */
export type CheckName<P extends Platform = Platform> =
  (typeof PLATFORM_CHECKS)[P][number];

/** How the SSH host key of a device is checked. */
export type HostKeyPolicy =
  /** Check against the `knownHosts` file; an unknown host is refused. */
  | "known-hosts"
  /** Trust on first use, then pin the key (the default). */
  | "pin"
  /** Accept any key. For labs only. */
  | "insecure";

/** Fault switches of a simulated device, for tests and demos. */
export interface SimFaults {
  /** Delay added before every reply, in milliseconds. */
  latencyMs?: number;
  /** Refuse every authentication attempt. */
  refuseAuth?: boolean;
  /**
   * Drop the SSH connection when this command is received inside a config
   * session, before it takes effect (for example `commit`, or any line).
   */
  dropOn?: string;
  /** Make `commit` fail with an EOS-style error. */
  failCommit?: boolean;
  /**
   * Delay only the lines matching `pattern` (a regular expression) by `ms`
   * before they run: holds a client at one precise step, for example
   * between a timed commit and its confirmation.
   */
  stall?: { pattern: string; ms: number };
  /**
   * BGP peers (neighbor addresses, any VRF) that `show ip bgp summary`
   * and `show bgp evpn summary` report as down (`Active`) whatever the
   * config says: a session lost on the wire.
   */
  bgpDown?: string[];
}

export interface DeviceSpec {
  /** Device name: KV key and subject token. */
  name: string;
  host: string;
  port: number;
  platform: Platform;
  username: string;
  /** Never logged, never sent over NATS. */
  password?: string;
  /** Path to a private key file. */
  privateKeyFile?: string;
  /** Passphrase of the private key. Never logged. */
  passphrase?: string;
  /**
   * Answers `enable`'s password question (EOS with an enable secret, a
   * user below privilege 15). Never logged, never sent over NATS.
   */
  enablePassword?: string;
  hostKeyPolicy: HostKeyPolicy;
  /** known_hosts file, with hostKeyPolicy `known-hosts`. */
  knownHosts?: string;
  /** Per-device reconcile schedule (cron), overriding `--interval`. */
  interval?: string;
  /** Allow configs that would remove ncm's own login or address. */
  allowLockout?: boolean;
  /**
   * BGP peers (addresses or interface names) that must be Established for
   * the `bgp-peers` check (eos and frr) and FRR's apply guard. Absent:
   * every configured peer.
   */
  bgpPeersExpected?: string[];
  /**
   * The health checks `check` runs when the request names none, from the
   * platform's {@link PLATFORM_CHECKS}. Absent: all of them.
   */
  checks?: string[];
  /** Fault switches, used only by `ncm sim`. */
  sim?: SimFaults;
}

export interface Inventory {
  /** Where it was read from, for messages. */
  source: string;
  devices: DeviceSpec[];
}
