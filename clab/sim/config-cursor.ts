/**
 * Feeds configuration lines into a tree, one at a time, keeping track of
 * the section the next line belongs to. Two input styles are understood:
 *
 * - indented text (an AVD file, a paste): a line belongs to the nearest
 *   earlier line indented less than it;
 * - typed text without indentation: a line that opens a section
 *   (`interface Ethernet1`) becomes the current mode until `exit`, or until
 *   a line that cannot live inside it (`interface Ethernet2`, `hostname x`,
 *   a section that does not nest there).
 *
 * Once any indented line has been seen, indentation alone decides, so a
 * childless section in a pasted file never swallows the lines after it.
 *
 * FIXME: a person who pastes indented text and then types unindented
 * section lines in the same `configure` visit gets the pasted behaviour
 * (their typed lines land at the top level). Telling the two apart needs
 * EOS's per-mode grammar, which the simulator does not have.
 */

import { applyLine } from "./config-edit.ts";
import {
  expandInterface,
  modeName,
  nestsUnder,
  opensSection,
  topLevelOnly,
} from "./config-sections.ts";
import { lineError } from "./config-syntax.ts";
import type { ConfigNode } from "./config-tree.ts";

interface Frame {
  node: ConfigNode;
  /** Indentation of the node's own line; -1 for the root. */
  indent: number;
  /** Depth of the node's children (0 for the root's). */
  childDepth: number;
  /** Opened by typing a section line without indentation. */
  typed: boolean;
  /** A line has been placed under it, so it is a mode `exit` leaves. */
  entered: boolean;
}

export class ConfigCursor {
  readonly root: ConfigNode;
  #stack: Frame[];
  #indentSeen = false;

  constructor(root: ConfigNode) {
    this.root = root;
    this.#stack = [rootFrame(root)];
  }

  /** Applies one raw input line; returns EOS's error text, or null. */
  feed(raw: string): string | null {
    const line = expandInterface(raw.trim());
    if (line === "" || line.startsWith("!")) {
      return null;
    }
    const indent = raw.length - raw.trimStart().length;
    this.#indentSeen ||= indent > 0;
    this.#climb(indent, line);
    const parent = this.#top();
    const error = lineError(line, parent.childDepth);
    if (error !== null) {
      return error;
    }
    const node = applyLine(parent.node, line, parent.childDepth);
    parent.entered = true;
    if (node !== null) {
      this.#stack.push({
        node,
        indent,
        childDepth: parent.childDepth + 1,
        typed: !this.#indentSeen && opensSection(line),
        entered: false,
      });
    }
    return null;
  }

  /** Leaves the current mode; false when already at the top level. */
  exit(): boolean {
    while (this.#stack.length > 1) {
      const frame = this.#stack.pop()!;
      if (isMode(frame)) {
        return true;
      }
    }
    return false;
  }

  /** Names of the modes entered, outermost first, for the prompt. */
  modes(): string[] {
    return this.#stack
      .slice(1)
      .filter(isMode)
      .map((frame) => modeName(frame.node.line));
  }

  #top(): Frame {
    return this.#stack[this.#stack.length - 1]!;
  }

  /** Pops the frames `line` at `indent` cannot belong to. */
  #climb(indent: number, line: string): void {
    while (this.#stack.length > 1) {
      const frame = this.#top();
      if (indent > frame.indent) {
        return;
      }
      const typedChild =
        indent === frame.indent &&
        frame.typed &&
        !this.#indentSeen &&
        !leaves(frame, line);
      if (typedChild) {
        return;
      }
      this.#stack.pop();
    }
  }
}

function rootFrame(root: ConfigNode): Frame {
  return { node: root, indent: -1, childDepth: 0, typed: true, entered: true };
}

function isMode(frame: Frame): boolean {
  return frame.typed || frame.entered;
}

/** True when `line`, typed inside `frame`, belongs outside it. */
function leaves(frame: Frame, line: string): boolean {
  if (topLevelOnly(line)) {
    return true;
  }
  return opensSection(line) && !nestsUnder(frame.node.line, line);
}
