import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NcmError } from "../../core/errors.ts";
import type { DeviceSpec } from "../../inventory/types.ts";
import { assertNoLockout } from "../../reconciler/lockout-guard.ts";

const spec = (overrides: Partial<DeviceSpec> = {}): DeviceSpec => ({
  name: "leaf1",
  host: "172.20.20.12",
  port: 22,
  platform: "eos",
  username: "admin",
  hostKeyPolicy: "insecure",
  ...overrides,
});

const GOOD = [
  "hostname leaf1",
  "username admin privilege 15 role network-admin secret sha512 $6$x",
  "interface Management0",
  "   ip address 172.20.20.12/24",
].join("\n");

const CASES: [string, Partial<DeviceSpec>, string, string | null][] = [
  ["a config keeping user and address passes", {}, GOOD, null],
  [
    "a config without the login user is refused",
    {},
    GOOD.replace("username admin", "username other"),
    "username admin",
  ],
  [
    "a config moving the address is refused",
    {},
    GOOD.replace("172.20.20.12/24", "172.20.20.99/24"),
    "172.20.20.12",
  ],
  [
    "a similar address is no match",
    {},
    GOOD.replace("172.20.20.12/24", "172.20.20.123/24"),
    "172.20.20.12",
  ],
  [
    "allow_lockout lifts the guard",
    { allowLockout: true },
    "hostname leaf1",
    null,
  ],
  [
    "a DNS name is not looked for",
    { host: "leaf1.lab" },
    GOOD.replace("172.20.20.12/24", "10.0.0.1/24"),
    null,
  ],
  ["a loopback address is not looked for", { host: "127.0.0.1" }, GOOD, null],
  [
    "frr devices log in through the host",
    { platform: "frr" },
    "hostname r1",
    null,
  ],
];

describe("lockout guard", () => {
  for (const [name, overrides, config, refusal] of CASES) {
    it(`assertNoLockout - ${name}`, () => {
      if (refusal === null) {
        assert.doesNotThrow(() => assertNoLockout(spec(overrides), config, 3));
        return;
      }
      assert.throws(
        () => assertNoLockout(spec(overrides), config, 3),
        (err: unknown) =>
          err instanceof NcmError &&
          err.code === "LOCKOUT_GUARD" &&
          err.category === "guard" &&
          !err.retryable &&
          err.message.includes(refusal) &&
          err.message.includes("allow_lockout"),
      );
    });
  }
});
