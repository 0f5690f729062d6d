/**
 * Many simulated Arista EOS devices in one process, each an SSH server on
 * its own host:port with its own host key (see SPEC.md, "The simulated EOS
 * device"). Tests, the demo, benchmarks and `ncm sim` start them here.
 *
 * State on disk, under `stateDir`: `hostkeys/<device>` (private keys, made
 * once) and `known_hosts` (rewritten at every start) for clients to pin.
 */
import { join } from "node:path";
import { assertDeviceName } from "../../core/device-name.ts";
import { NcmError, UsageError } from "../../core/errors.ts";
import { type Logger, silentLogger } from "../../core/log.ts";
import { ensureHostKeyDir, loadHostKey, writeKnownHosts } from "./host-keys.ts";
import { SimDevice, type SimDeviceOptions } from "./sim-device.ts";

export type { SimCounters, SimDeviceOptions } from "./sim-device.ts";
export { SimDevice } from "./sim-device.ts";

export interface SimHostOptions {
  devices: SimDeviceOptions[];
  /** Where host keys and known_hosts live (the CLI's default: ~/.ncm/sim). */
  stateDir: string;
  log?: Logger;
}

export class SimHost {
  readonly devices: readonly SimDevice[];
  /** OpenSSH known_hosts naming every device of this host. */
  readonly knownHostsFile: string;
  readonly #byName: ReadonlyMap<string, SimDevice>;

  private constructor(devices: SimDevice[], knownHostsFile: string) {
    this.devices = devices;
    this.knownHostsFile = knownHostsFile;
    this.#byName = new Map(devices.map((device) => [device.name, device]));
  }

  /** Starts every device; resolves once all of them listen. */
  static async start(options: SimHostOptions): Promise<SimHost> {
    validate(options);
    const log = options.log ?? silentLogger();
    const devices = await inStateDir(options.stateDir, async () => {
      await ensureHostKeyDir(options.stateDir);
      return Promise.all(
        options.devices.map(async (spec) => {
          const key = await loadHostKey(options.stateDir, spec.name);
          return new SimDevice(spec, key, log.child({ device: spec.name }));
        }),
      );
    });
    const host = new SimHost(devices, join(options.stateDir, "known_hosts"));
    try {
      await Promise.all(devices.map((device) => device.startListening()));
      await inStateDir(options.stateDir, () => host.#writeKnownHosts());
    } catch (err) {
      await host.stop();
      throw err;
    }
    return host;
  }

  #writeKnownHosts(): Promise<void> {
    return writeKnownHosts(
      this.knownHostsFile,
      this.devices.map((device) => ({
        host: device.host,
        port: device.port,
        publicKey: device.hostPublicKey,
      })),
    );
  }

  /** The device called `name`; throws a UsageError for an unknown name. */
  device(name: string): SimDevice {
    const device = this.#byName.get(name);
    if (device === undefined) {
      throw new UsageError(
        `unknown simulated device ${JSON.stringify(name)}: expected one of ${[...this.#byName.keys()].join(", ")}`,
      );
    }
    return device;
  }

  /** Closes every listener and connection and clears commit timers. */
  async stop(): Promise<void> {
    await Promise.all(this.devices.map((device) => device.stop()));
  }
}

/** Runs a step on the state directory, naming it when the step fails. */
async function inStateDir<T>(
  stateDir: string,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof NcmError) {
      throw err;
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new NcmError(
      "input",
      "SIM_STATE_DIR",
      `cannot use simulator state directory ${stateDir}: ${reason}`,
      { cause: err, retryable: false, details: { stateDir } },
    );
  }
}

/** Checks the options in one place, naming the offending value. */
function validate(options: SimHostOptions): void {
  const seen = new Set<string>();
  for (const device of options.devices) {
    assertDeviceName(device.name);
    if (seen.has(device.name)) {
      throw new UsageError(
        `duplicate simulated device ${JSON.stringify(device.name)}: expected each name once`,
      );
    }
    seen.add(device.name);
    const port = device.port;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(
        `invalid port ${JSON.stringify(port)} for simulated device ${device.name}: expected 0 to 65535`,
      );
    }
  }
  if (options.stateDir === "") {
    throw new UsageError('invalid stateDir "": expected a directory path');
  }
}
