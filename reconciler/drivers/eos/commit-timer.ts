import { NcmError } from "../../../core/errors.ts";

/** The longest timer `commit timer` accepts on EOS: 23:59:59. */
export const MAX_COMMIT_TIMER_SECONDS = 24 * 3600 - 1;

/** Formats seconds as the `HH:MM:SS` that `commit timer` takes. */
export function commitTimerArgument(seconds: number): string {
  if (
    !Number.isInteger(seconds) ||
    seconds < 1 ||
    seconds > MAX_COMMIT_TIMER_SECONDS
  ) {
    throw new NcmError(
      "input",
      "EOS_BAD_COMMIT_TIMER",
      `invalid commit timer ${seconds}: expected whole seconds from 1 to ${MAX_COMMIT_TIMER_SECONDS}`,
    );
  }
  const pad = (n: number) => String(n).padStart(2, "0");
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds % 60)}`;
}
