import { hostname, userInfo } from "node:os";

/**
 * Who is at the keyboard, as user@host, for the audit trail of pause and
 * resume. userInfo() throws for a uid without a passwd entry (containers),
 * so the environment is the fallback.
 */
export function operator(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.LOGNAME ?? "unknown";
  }
  return `${user}@${hostname()}`;
}
