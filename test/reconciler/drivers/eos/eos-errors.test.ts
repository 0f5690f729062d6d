import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  commandFailed,
  connectError,
  leftSession,
  rejectedConfig,
  sessionCommandInConfig,
} from "../../../../reconciler/drivers/eos/eos-errors.ts";

const at = { device: "leaf1", host: "10.0.0.1", port: 22, username: "admin" };

function sshError(message: string, level: string, code?: string): Error {
  return Object.assign(new Error(message), { level, code });
}

describe("eos errors", () => {
  const connects = [
    {
      err: sshError(
        "All configured authentication methods failed",
        "client-authentication",
      ),
      category: "authentication",
      retryable: false,
    },
    {
      err: sshError(
        "connect ECONNREFUSED 10.0.0.1:22",
        "client-socket",
        "ECONNREFUSED",
      ),
      category: "unreachable",
      retryable: true,
    },
    {
      err: sshError("getaddrinfo ENOTFOUND x", "client-socket", "ENOTFOUND"),
      category: "unreachable",
      retryable: true,
    },
    {
      err: sshError("Timed out while waiting for handshake", "client-timeout"),
      category: "unreachable",
      retryable: true,
    },
    {
      err: sshError("no matching key exchange", "handshake"),
      category: "protocol",
      retryable: true,
    },
  ];
  for (const c of connects) {
    it(`eos errors - ssh2 "${c.err.message}" is ${c.category}`, () => {
      const error = connectError(c.err, at, false);
      assert.equal(error.category, c.category);
      assert.equal(error.retryable, c.retryable);
      assert.equal(error.cause, c.err);
      assert.match(error.message, /^leaf1 \(10\.0\.0\.1:22\)/);
    });
  }

  it("eos errors - a rejected host key wins over the handshake error", () => {
    const error = connectError(sshError("Host denied", "handshake"), at, true);
    assert.equal(error.category, "host-key");
    assert.equal(error.retryable, false);
  });

  const commands = [
    {
      message:
        "% Failed to create new session: maximum number of pending sessions (5) reached",
      category: "session-limit",
    },
    {
      message: "% Commit failed: simulated failure",
      category: "rejected-config",
    },
    { message: "% Invalid input (at token 1: 'x')", category: "protocol" },
  ];
  for (const c of commands) {
    it(`eos errors - device message "${c.message}" is ${c.category}`, () => {
      const error = commandFailed(
        "leaf1",
        "configure session ncm-1",
        c.message,
      );
      assert.equal(error.category, c.category);
      assert.equal(error.details.deviceMessage, c.message);
    });
  }

  it("eos errors - a rejected config names the first line and counts the others", () => {
    const error = rejectedConfig("leaf1", [
      {
        lineNumber: 12,
        text: "   bogus foo",
        deviceMessage: "% Invalid input (at token 0: 'bogus')",
      },
      { lineNumber: 20, text: "other", deviceMessage: "% Incomplete command" },
    ]);
    assert.equal(
      error.message,
      `leaf1 rejected line 12 "bogus foo": % Invalid input (at token 0: 'bogus') (and 1 more rejected lines)`,
    );
    assert.equal(error.category, "rejected-config");
    assert.equal(error.retryable, false);
    assert.equal(error.details.line, 12);
  });

  it("eos errors - a line that left the session is named, masked, and blamed by cause", () => {
    const line = { lineNumber: 7, text: "   username admin secret s3cr3t-pw" };
    const byConfig = leftSession("leaf1", line, "", "config");
    assert.equal(byConfig.code, "EOS_LEFT_SESSION");
    assert.equal(byConfig.category, "rejected-config");
    assert.equal(byConfig.retryable, false);
    assert.equal(byConfig.details.line, 7);
    assert.match(
      byConfig.message,
      /^leaf1: after line 7 ".*" the prompt shows exec mode/,
    );
    const byDevice = leftSession("leaf1", line, "config", "device");
    assert.equal(byDevice.category, "protocol");
    assert.equal(byDevice.retryable, true);
    assert.match(byDevice.message, /mode "config"/);
    for (const error of [byConfig, byDevice]) {
      assert.doesNotMatch(JSON.stringify(error.toJSON()), /s3cr3t-pw/);
      assert.doesNotMatch(JSON.stringify(error.details), /s3cr3t-pw/);
    }
  });

  it("eos errors - a session command in a config names its line", () => {
    const error = sessionCommandInConfig("leaf1", {
      lineNumber: 3,
      text: "commit",
    });
    assert.equal(error.code, "EOS_SESSION_COMMAND_IN_CONFIG");
    assert.equal(error.retryable, false);
    assert.match(
      error.message,
      /^leaf1: line 3 "commit" would commit or abort/,
    );
  });
});
