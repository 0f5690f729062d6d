/**
 * Matching a typed command against a small grammar, with EOS's unique
 * prefix abbreviations (`sh run`, `conf t`) and its error texts.
 */
import { INCOMPLETE_COMMAND, invalidInput } from "./config-syntax.ts";

/** Any single word. */
export const ARG = "<arg>";

export interface CommandPattern<T> {
  /** Fixed words and {@link ARG} placeholders. */
  readonly words: readonly string[];
  readonly value: T;
}

export type MatchResult<T> =
  | { kind: "match"; value: T; args: string[] }
  | { kind: "error"; message: string };

const AMBIGUOUS = "% Ambiguous command";

interface Attempt {
  /** All input words matched and the pattern was fully used. */
  complete: boolean;
  /** All input words matched but the pattern wants more. */
  partial: boolean;
  /** Index of the first input word that did not match. */
  failedAt: number;
  /** Input words equal to the pattern's words, for preferring exact ones. */
  exact: number;
  args: string[];
}

/**
 * Finds the pattern `words` select. With `abbreviations` false, fixed words
 * must be typed in full (used in config modes, where a config line such as
 * `sh` must not be taken for `show`).
 */
export function matchCommand<T>(
  words: readonly string[],
  patterns: readonly CommandPattern<T>[],
  abbreviations = true,
): MatchResult<T> {
  const attempts = patterns.map((pattern) => ({
    pattern,
    attempt: attemptMatch(words, pattern.words, abbreviations),
  }));
  const complete = attempts.filter(({ attempt }) => attempt.complete);
  if (complete.length > 0) {
    const best = Math.max(...complete.map(({ attempt }) => attempt.exact));
    const chosen = complete.filter(({ attempt }) => attempt.exact === best);
    if (chosen.length > 1) {
      return { kind: "error", message: AMBIGUOUS };
    }
    const { pattern, attempt } = chosen[0]!;
    return { kind: "match", value: pattern.value, args: attempt.args };
  }
  if (attempts.some(({ attempt }) => attempt.partial)) {
    return { kind: "error", message: INCOMPLETE_COMMAND };
  }
  const failedAt = Math.max(0, ...attempts.map((a) => a.attempt.failedAt));
  return {
    kind: "error",
    message: invalidInput(failedAt, words[failedAt] ?? ""),
  };
}

function attemptMatch(
  words: readonly string[],
  pattern: readonly string[],
  abbreviations: boolean,
): Attempt {
  const args: string[] = [];
  let exact = 0;
  for (const [index, word] of words.entries()) {
    const expected = pattern[index];
    const lower = word.toLowerCase();
    if (expected === ARG) {
      args.push(word);
      continue;
    }
    const matches =
      expected !== undefined &&
      (abbreviations ? expected.startsWith(lower) : expected === lower);
    if (!matches) {
      return { complete: false, partial: false, failedAt: index, exact, args };
    }
    exact += expected === lower ? 1 : 0;
  }
  const complete = words.length === pattern.length;
  return { complete, partial: !complete, failedAt: words.length, exact, args };
}
