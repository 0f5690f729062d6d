import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CliShell, parseTimer } from "../../../clab/sim/cli-shell.ts";
import { DeviceState } from "../../../clab/sim/device-state.ts";
import { silentLogger } from "../../../core/log.ts";
import type { SimFaults } from "../../../inventory/types.ts";

function device(faults: SimFaults = {}, seed = "hostname leaf1\n") {
  return new DeviceState("leaf1", seed, faults, silentLogger());
}

/** Runs lines, failing on any error unless `allowErrors`; returns outputs. */
function run(shell: CliShell, lines: string[]): string[] {
  return lines.map((line) => {
    const reply = shell.execute(line);
    assert.equal(reply.failed, false, `${line}: ${reply.output}`);
    return reply.output;
  });
}

describe("cli-shell", () => {
  it("cli-shell - prompts follow the modes", () => {
    const shell = new CliShell(device(), { user: "admin" });
    const prompts = [shell.prompt()];
    for (const line of [
      "enable",
      "configure terminal",
      "interface Ethernet1",
      "exit",
      "end",
      "configure session ncm-0123abc",
      "router bgp 65101",
      "end",
      "disable",
    ]) {
      run(shell, [line]);
      prompts.push(shell.prompt());
    }
    assert.deepEqual(prompts, [
      "leaf1>",
      "leaf1#",
      "leaf1(config)#",
      "leaf1(config-if-Et1)#",
      "leaf1(config)#",
      "leaf1#",
      "leaf1(config-s-ncm-01)#",
      "leaf1(config-s-ncm-01-router-bgp)#",
      "leaf1#",
      "leaf1>",
    ]);
  });

  const errors = [
    {
      mode: ">",
      line: "bogus",
      output: "% Invalid input (at token 0: 'bogus')",
    },
    {
      mode: ">",
      line: "show bogus",
      output: "% Invalid input (at token 1: 'bogus')",
    },
    { mode: ">", line: "show", output: "% Incomplete command" },
    {
      mode: ">",
      line: "show running-config",
      output: "% Invalid input (privileged mode required)",
    },
    {
      mode: ">",
      line: "configure",
      output: "% Invalid input (privileged mode required)",
    },
    {
      mode: "#",
      line: "terminal length x",
      output: "% Invalid input (at token 2: 'x')",
    },
    {
      mode: "#",
      line: "interface Ethernet1",
      output: "% Invalid input (at token 0: 'interface')",
    },
  ];
  for (const { mode, line, output } of errors) {
    it(`cli-shell - ${JSON.stringify(line)} at ${mode} is refused as EOS does`, () => {
      const shell = new CliShell(device(), {
        user: "admin",
        privileged: mode === "#",
      });
      const reply = shell.execute(line);
      assert.equal(reply.failed, true);
      assert.equal(reply.output, `${output}\n`);
    });
  }

  it("cli-shell - EOS abbreviations work outside config mode", () => {
    const shell = new CliShell(device(), { user: "admin" });
    run(shell, ["en", "term len 0"]);
    const [version, hostname] = run(shell, ["sh ver", "show host"]);
    assert.match(version!, /^Arista vEOS-lab$/m);
    assert.match(version!, /^Software image version: 4\.3\d\.\d+F-sim$/m);
    assert.equal(hostname, "Hostname: leaf1\nFQDN: leaf1\n");
    run(shell, ["conf t"]);
    assert.equal(shell.prompt(), "leaf1(config)#");
  });

  it("cli-shell - show running-config has EOS's header and ends in end", () => {
    const shell = new CliShell(device(), { user: "admin", privileged: true });
    const [output] = run(shell, ["show running-config"]);
    assert.equal(
      output,
      "! Command: show running-config\n! device: leaf1 (vEOS-lab, EOS-4.32.0F-sim)\n!\nhostname leaf1\n!\nend\n",
    );
  });

  it("cli-shell - configure edits the running-config and a new hostname changes the prompt", () => {
    const state = device();
    const shell = new CliShell(state, { user: "admin", privileged: true });
    assert.doesNotMatch(state.runningConfigText(), /shutdown/);
    run(shell, [
      "configure",
      "hostname spine9",
      "interface Ethernet1",
      "shutdown",
      "end",
    ]);
    assert.equal(shell.prompt(), "spine9#");
    assert.match(
      state.runningConfigText(),
      /^interface Ethernet1\n {3}shutdown$/m,
    );
  });

  it("cli-shell - a session starts as a copy of running and commit replaces running", () => {
    const state = device();
    const shell = new CliShell(state, { user: "admin", privileged: true });
    run(shell, ["configure session s1", "ip routing"]);
    assert.doesNotMatch(state.runningConfigText(), /ip routing/);
    const [diff] = run(shell, ["show session-config diffs"]);
    assert.match(diff!, /^\+ip routing$/m);
    run(shell, ["commit"]);
    assert.equal(shell.prompt(), "leaf1#");
    assert.match(state.runningConfigText(), /^hostname leaf1\n!\nip routing$/m);
    assert.deepEqual(state.sessions.list(), []);
    assert.equal(state.counters.commits, 1);
    assert.equal(state.counters.sessionsOpened, 1);
  });

  it("cli-shell - rollback clean-config empties the session", () => {
    const state = device();
    const shell = new CliShell(state, { user: "admin", privileged: true });
    run(shell, [
      "configure session s1",
      "rollback clean-config",
      "hostname other",
    ]);
    const [diff] = run(shell, ["show session-config diffs"]);
    assert.match(diff!, /^-hostname leaf1\n\+hostname other$/m);
  });

  it("cli-shell - end leaves a session pending and it can be re-entered", () => {
    const state = device();
    const shell = new CliShell(state, { user: "admin", privileged: true });
    run(shell, ["configure session s1", "ip routing", "end"]);
    const [table] = run(shell, ["show configuration sessions"]);
    assert.match(table!, /^Maximum number of pending sessions: 5$/m);
    assert.match(table!, /^ {3}Name +State +User +Terminal$/m);
    assert.match(table!, /^ {3}s1 +pending +admin +vty\d+$/m);
    run(shell, ["configure session s1"]);
    const [diff] = run(shell, ["show session-config diffs"]);
    assert.match(diff!, /^\+ip routing$/m);
    assert.equal(state.counters.sessionsOpened, 1);
  });

  it("cli-shell - a sixth pending session is refused and the CLI stays at #", () => {
    const state = device();
    const shell = new CliShell(state, { user: "admin", privileged: true });
    for (const n of [1, 2, 3, 4, 5]) {
      run(shell, [`configure session s${n}`, "end"]);
    }
    const reply = shell.execute("configure session s6");
    assert.equal(reply.failed, true);
    assert.match(reply.output, /^% .*maximum number of pending sessions/);
    assert.equal(shell.prompt(), "leaf1#");
    run(shell, ["no configure session s1", "configure session s6"]);
    assert.equal(shell.prompt(), "leaf1(config-s-s6)#");
  });

  it("cli-shell - a refused line in a session leaves the session as it was", () => {
    const state = device();
    const shell = new CliShell(state, { user: "admin", privileged: true });
    run(shell, ["configure session s1"]);
    const reply = shell.execute("bogus line");
    assert.deepEqual(reply, {
      output: "% Invalid input (at token 0: 'bogus')\n",
      failed: true,
    });
    const [diff] = run(shell, ["show session-config diffs"]);
    assert.equal(diff, "");
  });

  it("cli-shell - failCommit refuses the commit and the session stays pending", () => {
    const state = device({ failCommit: true });
    const shell = new CliShell(state, { user: "admin", privileged: true });
    run(shell, ["configure session s1", "ip routing"]);
    for (const line of ["commit", "commit timer 00:01:00"]) {
      const reply = shell.execute(line);
      assert.equal(reply.failed, true);
      assert.match(reply.output, /^% Commit failed/);
    }
    assert.equal(shell.prompt(), "leaf1(config-s-s1)#");
    assert.doesNotMatch(state.runningConfigText(), /ip routing/);
    assert.equal(state.counters.commits, 0);
  });

  it("cli-shell - dropOn fires only inside a session, before the line applies", () => {
    const state = device({ dropOn: "ip routing" });
    const shell = new CliShell(state, { user: "admin", privileged: true });
    run(shell, ["configure", "ip routing", "no ip routing", "end"]);
    run(shell, ["configure session s1"]);
    assert.equal(shell.execute("ip routing").drop, true);
    assert.equal(state.sessions.get("s1")?.tree.children.length, 1);
  });

  it("cli-shell - configure session NAME commit commits a pending session", () => {
    const state = device();
    const shell = new CliShell(state, { user: "admin", privileged: true });
    run(shell, ["configure session s1", "ip routing", "end"]);
    run(shell, ["configure session s1 commit"]);
    assert.match(state.runningConfigText(), /^ip routing$/m);
    const reply = shell.execute("configure session nope commit");
    assert.equal(reply.failed, true);
  });

  it("cli-shell - abort discards the session", () => {
    const state = device();
    const shell = new CliShell(state, { user: "admin", privileged: true });
    run(shell, ["configure session s1", "ip routing", "abort"]);
    assert.equal(shell.prompt(), "leaf1#");
    assert.deepEqual(state.sessions.list(), []);
    assert.equal(state.counters.aborts, 1);
    assert.doesNotMatch(state.runningConfigText(), /ip routing/);
  });

  it("cli-shell - a session committed with a timer cannot be edited or re-entered", () => {
    const state = device();
    const first = new CliShell(state, { user: "admin", privileged: true });
    const second = new CliShell(state, { user: "admin", privileged: true });
    run(first, ["configure session s1"]);
    run(second, [
      "configure session s1",
      "ip routing",
      "commit timer 01:00:00",
    ]);
    const late = first.execute("hostname late");
    assert.equal(late.failed, true);
    assert.equal(first.prompt(), "leaf1#");
    const again = first.execute("configure session s1");
    assert.equal(again.failed, true);
    run(first, ["configure session s1 commit"]);
    assert.deepEqual(state.sessions.list(), []);
    assert.match(state.runningConfigText(), /^ip routing$/m);
  });

  it("cli-shell - exit at # closes the channel", () => {
    const shell = new CliShell(device(), { user: "admin", privileged: true });
    assert.equal(shell.execute("exit").close, true);
  });

  it("cli-shell - commit timers parse as HH:MM:SS", () => {
    assert.equal(parseTimer("00:00:02"), 2);
    assert.equal(parseTimer("01:02:03"), 3723);
    assert.equal(parseTimer("00:00:00"), null);
    assert.equal(parseTimer("2"), null);
    assert.equal(parseTimer("00:60:00"), null);
  });
});
