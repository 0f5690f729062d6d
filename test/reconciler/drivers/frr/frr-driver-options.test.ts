import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NcmError } from "../../../../core/errors.ts";
import {
  type FrrDriverOptions,
  resolveFrrOptions,
} from "../../../../reconciler/drivers/frr/frr-driver-options.ts";

describe("frr driver options", () => {
  it("resolveFrrOptions - defaults fill what is not given", () => {
    const resolved = resolveFrrOptions({ bgpSettleMs: 0 });
    assert.equal(resolved.bgpSettleMs, 0);
    assert.equal(resolved.reloadScript, "/usr/lib/frr/frr-reload.py");
    assert.equal(resolved.uploadDir, "/tmp");
    assert.equal(resolved.commandTimeoutMs, 30_000);
  });

  const bad: { name: string; options: FrrDriverOptions; message: RegExp }[] = [
    {
      name: "a negative settle time",
      options: { bgpSettleMs: -1 },
      message: /bgpSettleMs: -1; expected a whole number >= 0/,
    },
    {
      name: "a fractional timeout",
      options: { reloadTimeoutMs: 1.5 },
      message: /reloadTimeoutMs: 1\.5; expected a whole number >= 1/,
    },
    {
      name: "a relative upload folder",
      options: { uploadDir: "tmp" },
      message: /uploadDir: "tmp"; expected an absolute path/,
    },
    {
      name: "a script path a shell would expand",
      options: { reloadScript: "/usr/lib/frr/$(reboot)" },
      message: /reloadScript: .*expected an absolute path/,
    },
  ];
  for (const c of bad) {
    it(`resolveFrrOptions - refuses ${c.name}`, () => {
      assert.throws(
        () => resolveFrrOptions(c.options),
        (err: unknown) =>
          err instanceof NcmError &&
          err.code === "FRR_BAD_OPTION" &&
          c.message.test(err.message),
      );
    });
  }
});
