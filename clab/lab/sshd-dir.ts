import { access, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** sshd's privilege separation folder; it refuses to start without it. */
export const SSHD_DIR = "/run/sshd";

/**
 * Left in the root of all labs when a lab made {@link SSHD_DIR}, so the
 * last lab to go down removes it again. Lab names start with a letter,
 * so this cannot be a lab's folder.
 */
export const SSHD_MARKER = ".made-run-sshd";

/**
 * Makes /run/sshd when it is missing, as the openssh-server service
 * would at boot, and remembers that a lab made it.
 */
export async function ensureSshdDir(root: string): Promise<void> {
  const present = await access(SSHD_DIR).then(
    () => true,
    () => false,
  );
  if (present) {
    return;
  }
  await mkdir(SSHD_DIR, { mode: 0o755 });
  await writeFile(join(root, SSHD_MARKER), "");
}
