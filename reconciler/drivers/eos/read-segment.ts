import type { Prompt, PromptMatcher } from "./prompt-matcher.ts";

/** A piece of device output: a prompt, or one line without its newline. */
export type Segment =
  | { kind: "prompt"; prompt: Prompt }
  | { kind: "line"; text: string };

export interface SegmentRead {
  segment: Segment;
  /** Offset just past the segment. */
  next: number;
  /** What to pass as `afterPrompt` when reading the next segment. */
  afterPrompt: boolean;
}

/**
 * Reads the segment that starts at `offset` of the (control-free) output, or
 * returns null when more output is needed to tell what it is.
 *
 * Segments start at the beginning of the output, after a newline and right
 * after a prompt: a device without echo answers pipelined commands with
 * prompts back to back (`leaf1(config-s-x)#leaf1(config-s-x)#`), one with
 * echo puts the echoed command right after the prompt.
 *
 * `afterPrompt` lets a prompt's trailing space that arrived in a later
 * chunk be skipped rather than read as output.
 */
export function readSegment(
  text: string,
  offset: number,
  matcher: PromptMatcher,
  afterPrompt: boolean,
): SegmentRead | null {
  const start = afterPrompt && text[offset] === " " ? offset + 1 : offset;
  if (start >= text.length) {
    return null;
  }
  const prompt = matcher.matchAt(text, start);
  if (prompt !== null) {
    const next = start + prompt.length;
    const spaced = text[next - 1] === " ";
    return { segment: { kind: "prompt", prompt }, next, afterPrompt: !spaced };
  }
  const newline = text.indexOf("\n", start);
  if (newline === -1) {
    return null;
  }
  const line = text.slice(start, newline);
  return {
    segment: { kind: "line", text: line },
    next: newline + 1,
    afterPrompt: false,
  };
}
