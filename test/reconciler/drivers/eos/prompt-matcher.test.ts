import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PromptMatcher } from "../../../../reconciler/drivers/eos/prompt-matcher.ts";

describe("PromptMatcher", () => {
  const shapes = [
    { text: "leaf1>", mode: "", privileged: false },
    { text: "leaf1#", mode: "", privileged: true },
    { text: "leaf1# ", mode: "", privileged: true },
    { text: "leaf1(config)#", mode: "config", privileged: true },
    {
      text: "leaf1(config-s-ncm-lq2x-ab12)#",
      mode: "config-s-ncm-lq2x-ab12",
      privileged: true,
    },
    {
      text: "dc1-leaf1a.lab(config-s-ncm-lq-if-Et1)# ",
      mode: "config-s-ncm-lq-if-Et1",
      privileged: true,
    },
  ];
  for (const shape of shapes) {
    it(`prompt matcher - recognises ${JSON.stringify(shape.text)} by shape`, () => {
      const prompt = new PromptMatcher().matchAt(shape.text, 0);
      assert.equal(prompt?.mode, shape.mode);
      assert.equal(prompt?.privileged, shape.privileged);
      assert.equal(prompt?.length, shape.text.length);
    });
  }

  it("prompt matcher - by shape, a prompt must end the output", () => {
    const matcher = new PromptMatcher();
    assert.equal(matcher.matchAt("leaf1#show version\n", 0), null);
    assert.equal(matcher.matchAt("Last login: today\n", 0), null);
    assert.equal(matcher.matchAt("banner\nleaf1#", 7)?.hostname, "leaf1");
  });

  it("prompt matcher - with a hostname, a prompt may be followed by an echo", () => {
    const matcher = new PromptMatcher("leaf1");
    const prompt = matcher.matchAt(
      "leaf1(config-s-x)#interface Ethernet1\n",
      0,
    );
    assert.equal(prompt?.length, "leaf1(config-s-x)#".length);
  });

  it("prompt matcher - with a hostname, other names and partial prompts do not match", () => {
    const matcher = new PromptMatcher("leaf1");
    assert.equal(matcher.matchAt("Ethernet1#", 0), null);
    assert.equal(matcher.matchAt("leaf10#", 0), null);
    assert.equal(matcher.matchAt("leaf1(config-s-x", 0), null);
    assert.equal(matcher.matchAt("x leaf1#", 0), null);
  });

  it("prompt matcher - a hostname with regex characters is taken literally", () => {
    const matcher = new PromptMatcher("a.b");
    assert.equal(matcher.matchAt("axb#", 0), null);
    assert.equal(matcher.matchAt("a.b#", 0)?.hostname, "a.b");
  });
});
