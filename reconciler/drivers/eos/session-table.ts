/** States EOS shows for a config session. */
export type SessionState =
  | "pending"
  | "pending-commit-timer"
  | "completed"
  | "aborted"
  | "unknown";

export interface SessionRow {
  name: string;
  state: SessionState;
  /** True for the session the current CLI is in (`*` in the table). */
  current: boolean;
}

/**
 * Parses `show configuration sessions`:
 *
 * ```
 * Maximum number of completed sessions: 1
 * Maximum number of pending sessions: 5
 *
 *   Name         State                User     Terminal
 *   ------------ -------------------- -------- --------
 * * ncm-x1       pending              admin    vty3
 *   ncm-x0       pending-commit-timer admin
 * ```
 *
 * Rows follow the dashed rule under the `Name State …` header; the first
 * two columns are all ncm needs.
 */
export function parseSessionTable(text: string): SessionRow[] {
  const rows: SessionRow[] = [];
  let inTable = false;
  for (const line of text.split("\n")) {
    if (!inTable) {
      inTable = /^[\s-]+$/.test(line) && line.includes("-");
      continue;
    }
    const row = parseRow(line);
    if (row !== null) {
      rows.push(row);
    }
  }
  return rows;
}

function parseRow(line: string): SessionRow | null {
  const current = line.trimStart().startsWith("*");
  const fields = line
    .replace(/^\s*\*/, "")
    .trim()
    .split(/\s+/);
  const [name, state] = fields;
  if (name === undefined || name === "" || state === undefined) {
    return null;
  }
  return { name, state: sessionState(state), current };
}

/** Tolerates spellings such as `pendingCommitTimer`. */
function sessionState(raw: string): SessionState {
  switch (raw.toLowerCase().replace(/[^a-z]/g, "")) {
    case "pending":
      return "pending";
    case "pendingcommittimer":
      return "pending-commit-timer";
    case "completed":
      return "completed";
    case "aborted":
      return "aborted";
    default:
      return "unknown";
  }
}
