import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PromptMatcher } from "../../../../reconciler/drivers/eos/prompt-matcher.ts";
import {
  readSegment,
  type Segment,
} from "../../../../reconciler/drivers/eos/read-segment.ts";

/** Reads every complete segment, as the shell does. */
function readAll(text: string, matcher: PromptMatcher): string[] {
  const seen: string[] = [];
  let offset = 0;
  let afterPrompt = false;
  for (;;) {
    const read = readSegment(text, offset, matcher, afterPrompt);
    if (read === null) {
      return seen;
    }
    seen.push(describe_(read.segment));
    offset = read.next;
    afterPrompt = read.afterPrompt;
  }
}

function describe_(segment: Segment): string {
  return segment.kind === "prompt"
    ? `prompt ${segment.prompt.mode}`
    : `line ${segment.text}`;
}

describe("readSegment", () => {
  const known = new PromptMatcher("leaf1");

  it("read segment - pipelined answers with echo pair prompts and lines", () => {
    const text = [
      "leaf1(config-s-x)#interface Ethernet1\n",
      "leaf1(config-s-x-if-Et1)#   bogus foo\n",
      "% Invalid input (at token 0: 'bogus')\n",
      "leaf1(config-s-x-if-Et1)#",
    ].join("");
    assert.deepEqual(readAll(text, known), [
      "prompt config-s-x",
      "line interface Ethernet1",
      "prompt config-s-x-if-Et1",
      "line   bogus foo",
      "line % Invalid input (at token 0: 'bogus')",
      "prompt config-s-x-if-Et1",
    ]);
  });

  it("read segment - pipelined answers without echo come back to back", () => {
    const text =
      "leaf1(config-s-x)# leaf1(config-s-x)# % Incomplete command\nleaf1(config-s-x)# ";
    assert.deepEqual(readAll(text, known), [
      "prompt config-s-x",
      "prompt config-s-x",
      "line % Incomplete command",
      "prompt config-s-x",
    ]);
  });

  it("read segment - waits for the rest of a partial prompt or line", () => {
    assert.equal(readSegment("leaf1(config-s-", 0, known, false), null);
    assert.equal(readSegment("interface Ether", 0, known, false), null);
    assert.equal(readSegment("", 0, known, false), null);
  });

  it("read segment - a trailing space that arrives late is skipped", () => {
    const read = readSegment(" leaf1#", 0, known, true);
    assert.equal(read?.segment.kind, "prompt");
    assert.equal(read?.next, 7);
  });

  it("read segment - by shape, only a prompt that ends the output counts", () => {
    const shape = new PromptMatcher();
    assert.deepEqual(readAll("Welcome>\nleaf1>", shape), [
      "line Welcome>",
      "prompt ",
    ]);
  });
});
