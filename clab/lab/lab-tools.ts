import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { NcmError } from "../../core/errors.ts";

/** The programs a lab needs, by absolute path. */
export interface LabTools {
  ip: string;
  unshare: string;
  nsenter: string;
  useradd: string;
  userdel: string;
  chpasswd: string;
  sshKeygen: string;
  sshd: string;
  frrinit: string;
  frrReload: string;
  vtysh: string;
  python3: string;
}

/** Where each program is looked for, and the Debian package that has it. */
const WANTED: Record<keyof LabTools, { file: string; pkg: string }> = {
  ip: { file: "ip", pkg: "iproute2" },
  unshare: { file: "unshare", pkg: "util-linux" },
  nsenter: { file: "nsenter", pkg: "util-linux" },
  useradd: { file: "useradd", pkg: "passwd" },
  userdel: { file: "userdel", pkg: "passwd" },
  chpasswd: { file: "chpasswd", pkg: "passwd" },
  sshKeygen: { file: "ssh-keygen", pkg: "openssh-client" },
  sshd: { file: "sshd", pkg: "openssh-server" },
  frrinit: { file: "/usr/lib/frr/frrinit.sh", pkg: "frr" },
  frrReload: { file: "/usr/lib/frr/frr-reload.py", pkg: "frr-pythontools" },
  vtysh: { file: "vtysh", pkg: "frr" },
  python3: { file: "python3", pkg: "python3" },
};

/** root's usual search path, since sshd and useradd live in sbin. */
const SYSTEM_PATH = [
  "/usr/local/sbin",
  "/usr/sbin",
  "/sbin",
  "/usr/bin",
  "/bin",
];

/**
 * Why the lab cannot run on this machine, or null when it can: Linux,
 * root, and every program present.
 */
export async function labUnavailable(): Promise<string | null> {
  if (process.platform !== "linux") {
    return `ncm lab needs Linux network namespaces; this is ${process.platform}`;
  }
  if (process.getuid?.() !== 0) {
    return "ncm lab needs root: it makes network namespaces, links and a user (try sudo)";
  }
  const { missing } = await findTools();
  return missing.length === 0 ? null : missingMessage(missing);
}

/** The tools, or an NcmError saying what is missing and how to get it. */
export async function labTools(): Promise<LabTools> {
  const reason = await labUnavailable();
  if (reason !== null) {
    throw new NcmError("input", "LAB_UNAVAILABLE", reason);
  }
  return (await findTools()).tools as LabTools;
}

interface Search {
  tools: Partial<LabTools>;
  missing: { file: string; pkg: string }[];
}

async function findTools(): Promise<Search> {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), ...SYSTEM_PATH];
  const search: Search = { tools: {}, missing: [] };
  for (const key of Object.keys(WANTED) as (keyof LabTools)[]) {
    const path = await locate(WANTED[key].file, dirs);
    if (path === null) {
      search.missing.push(WANTED[key]);
    } else {
      search.tools[key] = path;
    }
  }
  return search;
}

function missingMessage(missing: Search["missing"]): string {
  const files = missing.map((m) => `${m.file} (package ${m.pkg})`);
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  return `ncm lab needs ${files.join(", ")}; install with apt-get install ${pkgs.join(" ")}`;
}

async function locate(
  file: string,
  dirs: readonly string[],
): Promise<string | null> {
  const candidates = file.startsWith("/")
    ? [file]
    : dirs.filter((d) => d !== "").map((d) => join(d, file));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next folder
    }
  }
  return null;
}
