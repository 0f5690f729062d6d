/**
 * The device-side diff of a config session, as `show session-config diffs`
 * prints it: a unified diff of the canonical renderings of running-config
 * and session-config. Both sides are rendered the same way, so entry order
 * alone never shows up as a change.
 */
import { createTwoFilesPatch } from "diff";
import { type ConfigNode, treesEqual } from "./config-tree.ts";
import { renderConfig } from "./render-config.ts";

/** Lines of context around each change, as EOS prints. */
const CONTEXT = 3;

/**
 * The unified diff from `running` to `session`; empty when equal.
 * `renderedRunning` is `renderConfig(running)` when the caller keeps it.
 */
export function sessionDiff(
  running: ConfigNode,
  session: ConfigNode,
  sessionName: string,
  renderedRunning?: string,
): string {
  if (treesEqual(running, session)) {
    return "";
  }
  const patch = createTwoFilesPatch(
    "system:/running-config",
    `session:/${sessionName}-session-config`,
    renderedRunning ?? renderConfig(running),
    renderConfig(session),
    undefined,
    undefined,
    { context: CONTEXT },
  );
  // The diff package starts with a "====" rule that EOS does not print.
  return patch.slice(patch.indexOf("---"));
}
