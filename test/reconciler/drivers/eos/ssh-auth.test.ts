import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AnyAuthMethod, AuthenticationType } from "ssh2";
import { authHandler } from "../../../../reconciler/drivers/eos/ssh-auth.ts";

/** Runs the handler as ssh2 does, collecting the method types chosen. */
function attempts(
  handler: ReturnType<typeof authHandler>,
  offers: (AuthenticationType[] | null)[],
): (string | false)[] {
  return offers.map((offered) => {
    let chosen: AnyAuthMethod | false = false;
    handler(offered as AuthenticationType[], false, (m) => {
      chosen = m as AnyAuthMethod | false;
    });
    return chosen === false ? false : (chosen as AnyAuthMethod).type;
  });
}

describe("authHandler", () => {
  const order = ["publickey", "password", "keyboard-interactive"] as const;

  it("ssh auth - tries what it has credentials for, in order", () => {
    const handler = authHandler({ username: "u", password: "p" }, order);
    assert.deepEqual(
      attempts(handler, [
        null,
        ["password", "keyboard-interactive"],
        ["password", "keyboard-interactive"],
      ]),
      ["password", "keyboard-interactive", false],
    );
  });

  it("ssh auth - skips methods the device does not offer", () => {
    const handler = authHandler(
      { username: "u", password: "p", privateKey: Buffer.from("k") },
      order,
    );
    assert.deepEqual(
      attempts(handler, [["keyboard-interactive"], ["keyboard-interactive"]]),
      ["keyboard-interactive", false],
    );
  });

  it("ssh auth - keyboard-interactive answers every prompt with the password", () => {
    const handler = authHandler({ username: "u", password: "p" }, [
      "keyboard-interactive",
    ]);
    let method: AnyAuthMethod | undefined;
    handler(["keyboard-interactive"], false, (m) => {
      method = m as AnyAuthMethod;
    });
    assert.equal(method?.type, "keyboard-interactive");
    let answers: string[] = [];
    if (method?.type === "keyboard-interactive") {
      const prompts = [
        { prompt: "Password: ", echo: false },
        { prompt: "Again: ", echo: false },
      ];
      method.prompt("", "", "", prompts, (a) => {
        answers = a;
      });
    }
    assert.deepEqual(answers, ["p", "p"]);
  });
});
