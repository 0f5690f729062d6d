import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LineReader } from "../../../clab/sim/line-reader.ts";

/** Feeds chunks one after another and collects every line taken. */
function readAll(reader: LineReader, chunks: string[]): string[] {
  const lines: string[] = [];
  for (const chunk of chunks) {
    let offset = 0;
    while (offset < chunk.length) {
      const taken = reader.take(chunk, offset);
      offset = taken.next;
      if (taken.line !== undefined) {
        lines.push(taken.line);
      }
    }
  }
  return lines;
}

const endings = [
  { name: "\\n", chunks: ["a\nb\n"] },
  { name: "\\r", chunks: ["a\rb\r"] },
  { name: "\\r\\n", chunks: ["a\r\nb\r\n"] },
  { name: "\\r\\n split over chunks", chunks: ["a\r", "\nb\r", "\n"] },
  { name: "a line split over chunks", chunks: ["a", "\r\n", "b", "\n"] },
];

describe("line-reader", () => {
  for (const { name, chunks } of endings) {
    it(`line-reader - lines ending in ${name} are read once each`, () => {
      assert.deepEqual(readAll(new LineReader(), chunks), ["a", "b"]);
    });
  }

  it("line-reader - blank lines are kept", () => {
    assert.deepEqual(readAll(new LineReader(), ["a\n\r\n\nb\n"]), [
      "a",
      "",
      "",
      "b",
    ]);
  });

  it("line-reader - a terminal gets an echo and backspace edits the line", () => {
    let echo = "";
    const reader = new LineReader((text) => {
      echo += text;
    });
    assert.deepEqual(readAll(reader, ["shz\x7fow\x1b[A", "\r"]), ["show"]);
    assert.equal(echo, "shz\b \bow\r\n");
  });

  it("line-reader - one line is taken at a time, the rest is left unread", () => {
    let echo = "";
    const reader = new LineReader((text) => {
      echo += text;
    });
    const taken = reader.take("one\rtwo\r", 0);
    assert.deepEqual(taken, { line: "one", next: 4 });
    assert.equal(echo, "one\r\n");
  });

  it("line-reader - Ctrl-C drops the line, Ctrl-D on an empty line is EOF", () => {
    const reader = new LineReader(() => {});
    assert.deepEqual(readAll(reader, ["abc\x03", "\x04"]), [
      "",
      LineReader.EOF,
    ]);
  });
});
