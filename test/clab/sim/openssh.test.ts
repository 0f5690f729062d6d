import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SimHost } from "../../../clab/sim/sim-host.ts";
import { leaf1Fixture } from "./avd-fixtures.ts";

const PASSWORD = "open-sesame";

function sshMissing(): string | false {
  const probe = spawnSync("ssh", ["-V"], { encoding: "utf8" });
  return probe.error === undefined ? false : "OpenSSH's ssh is not installed";
}

interface SshResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe("sim-host with OpenSSH's client", {
  skip: sshMissing(),
  timeout: 60_000,
}, () => {
  let dir: string;
  let host: SimHost;
  let askpass: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-openssh-"));
    askpass = join(dir, "askpass.sh");
    await writeFile(askpass, `#!/bin/sh\necho '${PASSWORD}'\n`);
    await chmod(askpass, 0o700);
    host = await SimHost.start({
      stateDir: join(dir, "state"),
      devices: [
        {
          name: "leaf1",
          port: 0,
          username: "admin",
          password: PASSWORD,
          config: leaf1Fixture(),
        },
      ],
    });
  });

  after(async () => {
    await host?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs ssh against leaf1, pinning its key, password from askpass. */
  function ssh(args: string[], input = ""): Promise<SshResult> {
    const device = host.device("leaf1");
    const options = [
      "-F",
      "/dev/null",
      "-p",
      String(device.port),
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      `UserKnownHostsFile=${host.knownHostsFile}`,
      "-o",
      "GlobalKnownHostsFile=/dev/null",
      "-o",
      "PreferredAuthentications=keyboard-interactive,password",
      "-o",
      "BatchMode=no",
      "-o",
      "NumberOfPasswordPrompts=1",
      "-o",
      "ConnectTimeout=5",
      `admin@${device.host}`,
    ];
    // detached: a new session without a controlling terminal, so ssh asks
    // SSH_ASKPASS for the password instead of a tty.
    const child = spawn("ssh", [...options, ...args], {
      detached: true,
      env: {
        ...process.env,
        SSH_ASKPASS: askpass,
        SSH_ASKPASS_REQUIRE: "force",
        DISPLAY: process.env.DISPLAY ?? ":0",
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.stdin.end(input);
    return new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, stdout, stderr }));
    });
  }

  it("sim-host - OpenSSH's ssh runs show running-config by exec", async () => {
    const result = await ssh(["show running-config"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, host.device("leaf1").runningConfig());
  });

  it("sim-host - OpenSSH's ssh -T runs commands from stdin in a shell", async () => {
    const result = await ssh(
      ["-T"],
      "enable\nterminal length 0\nshow running-config\nexit\n",
    );
    assert.equal(result.code, 0, result.stderr);
    const running = host.device("leaf1").runningConfig();
    assert.equal(result.stdout, `leaf1>leaf1#leaf1#${running}leaf1#`);
  });

  it("sim-host - OpenSSH refuses the device when known_hosts lacks its key", async () => {
    await writeFile(host.knownHostsFile, "");
    try {
      const result = await ssh(["show hostname"]);
      assert.equal(result.code, 255);
      assert.match(result.stderr, /Host key verification failed/);
    } finally {
      const device = host.device("leaf1");
      await writeFile(
        host.knownHostsFile,
        `[${device.host}]:${device.port} ${device.hostPublicKey}\n`,
      );
    }
  });
});
