import type { ReadContext } from "./ncm-format.ts";

/**
 * What a reader of a foreign format (Ansible, containerlab) gets: ncm's
 * read context plus `notes`, lines telling the user what was skipped or
 * assumed. Notes never hold a secret.
 */
export interface FormatContext extends ReadContext {
  notes: string[];
}
