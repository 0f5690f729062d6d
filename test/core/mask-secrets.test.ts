import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { maskSecrets } from "../../core/mask-secrets.ts";

const CASES: [string, string, string][] = [
  [
    "user secret",
    "+username admin privilege 15 role network-admin secret sha512 $6$abc$def",
    "+username admin privilege 15 role network-admin secret sha512 <masked>",
  ],
  [
    "bgp neighbor password",
    "-   neighbor EVPN password 7 q+VNViP5i4rVjW1cxFv2wA==",
    "-   neighbor EVPN password 7 <masked>",
  ],
  [
    "tacacs key",
    "tacacs-server host 10.0.0.1 key 7 0207165218",
    "tacacs-server host 10.0.0.1 key 7 <masked>",
  ],
  [
    "snmp community",
    "snmp-server community public ro",
    "snmp-server community <masked> ro",
  ],
  ["plain line untouched", " interface Ethernet1", " interface Ethernet1"],
];

describe("maskSecrets", () => {
  for (const [name, input, expected] of CASES) {
    it(`maskSecrets - ${name}`, () => {
      assert.equal(maskSecrets(input), expected);
    });
  }
});

describe("maskSecrets across lines", () => {
  it("maskSecrets - never masks the first token of the next line", () => {
    const text =
      "no enable password\nno aaa root\n   neighbor X send-community\n   neighbor X maximum-routes 0";
    assert.equal(maskSecrets(text), text);
  });
});
