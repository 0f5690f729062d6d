/**
 * What a lab could leave on the host, read from the system itself (`ip`,
 * /proc, /etc, /run), never through the lab's own code: `lab down` is
 * judged by comparing what was there before `up`, while up, and after
 * `down`.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One line a thing, e.g. `link ncmbr-1a2b3c (ncm-lab e2e)`. */
export type HostSnapshot = Set<string>;

/** `ip` is the path of iproute2's ip, which may not be on PATH. */
export async function hostSnapshot(ip: string): Promise<HostSnapshot> {
  const items = [
    ...(await links(ip)),
    ...(await namespaces(ip)),
    ...(await accounts()),
    ...(await mounts()),
    ...(await runEntries()),
  ];
  return new Set(items);
}

/**
 * What `up` added (in `up`, not in `beforeUp`) and `down` left. Another
 * lab may come up while ours does: what names a lab still up other than
 * ours (in `otherLabs`) is not held against ours.
 */
export function leftovers(
  beforeUp: HostSnapshot,
  up: HostSnapshot,
  afterDown: HostSnapshot,
  otherLabs: readonly string[],
): string[] {
  const others = otherLabs.map(
    (lab) => new RegExp(`ncm-${lab}(\\b|-)|ncm-lab ${lab}\\b`),
  );
  return [...afterDown].filter(
    (item) =>
      up.has(item) &&
      !beforeUp.has(item) &&
      !others.some((other) => other.test(item)),
  );
}

interface IpLink {
  ifname: string;
  ifalias?: string;
  master?: string;
}

async function links(ip: string): Promise<string[]> {
  const { stdout } = await run(ip, ["-j", "link", "show"]);
  return (JSON.parse(stdout) as IpLink[]).map(
    (l) =>
      `link ${l.ifname} (${l.ifalias ?? "no alias"}, master ${l.master ?? "-"})`,
  );
}

async function namespaces(ip: string): Promise<string[]> {
  const { stdout } = await run(ip, ["netns", "list"]);
  return stdout
    .split("\n")
    .map((line) => line.trim().split(/\s+/)[0] ?? "")
    .filter((name) => name !== "")
    .map((name) => `netns ${name}`);
}

/** Users, groups, and each group's members (the lab user joins frr). */
async function accounts(): Promise<string[]> {
  const items: string[] = [];
  for (const line of (await readFile("/etc/passwd", "utf8")).split("\n")) {
    const [name, , uid, , comment] = line.split(":");
    if (name !== undefined && uid !== undefined) {
      items.push(`user ${name} ${uid} (${comment ?? ""})`);
    }
  }
  for (const line of (await readFile("/etc/group", "utf8")).split("\n")) {
    const [name, , gid, members] = line.split(":");
    if (name === undefined || gid === undefined) {
      continue;
    }
    items.push(`group ${name} ${gid}`);
    for (const member of (members ?? "").split(",").filter(Boolean)) {
      items.push(`group ${name} member ${member}`);
    }
  }
  return items;
}

/**
 * Host-wide facilities that iproute2 and util-linux make on their first
 * use on a machine and share with every other user of network
 * namespaces: `ip netns` turns /run/netns into a shared mount point, and
 * mount(8) keeps /run/mount/utab. They are not the lab's to remove, so a
 * lab that is the first on a fresh machine leaves them, rightly.
 */
const HOST_FACILITIES = new Set([
  "mount /run/netns (root /run/netns)",
  "path /run/netns",
  "path /run/mount",
]);

/** The host's mounts: `ip netns add` bind-mounts each namespace file. */
async function mounts(): Promise<string[]> {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  return text
    .split("\n")
    .map((line) => line.split(" "))
    .filter((fields) => fields.length > 4)
    .map((fields) => `mount ${fields[4]} (root ${fields[3]})`)
    .filter((item) => !HOST_FACILITIES.has(item));
}

/** /run and /run/netns: the labs' folder, /run/sshd, namespace files. */
async function runEntries(): Promise<string[]> {
  const items: string[] = [];
  for (const dir of ["/run", "/run/netns", "/run/ncm-lab"]) {
    for (const entry of await readdir(dir).catch(() => [])) {
      items.push(`path ${dir}/${entry}`);
    }
  }
  return items.filter((item) => !HOST_FACILITIES.has(item));
}

/** A process as /proc shows it; `start` tells a reused pid apart. */
export interface HostProcess {
  pid: number;
  /** Clock ticks after boot at which it started. */
  start: number;
  state: string;
  uid: number;
  netns: number;
  mntns: number;
  cmdline: string;
}

/** Every process, except those that end while being read. */
export async function hostProcesses(): Promise<HostProcess[]> {
  const all: HostProcess[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const p = await readProcess(Number(entry)).catch(() => null);
    if (p !== null) {
      all.push(p);
    }
  }
  return all;
}

async function readProcess(pid: number): Promise<HostProcess> {
  const stats = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold
  // spaces: state is field 3, starttime field 22.
  const rest = stats.slice(stats.lastIndexOf(")") + 2).split(" ");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8");
  return {
    pid,
    start: Number(rest[19]),
    state: rest[0] ?? "?",
    uid: Number(uid),
    netns: await inode(`/proc/${pid}/ns/net`),
    mntns: await inode(`/proc/${pid}/ns/mnt`),
    cmdline: cmdline.replaceAll("\0", " ").trim(),
  };
}

/** A namespace's inode; 0 for a zombie, whose namespaces are gone. */
async function inode(path: string): Promise<number> {
  return (await stat(path).catch(() => ({ ino: 0 }))).ino;
}

/** The inode of a named network namespace (`ip netns add`'s file). */
export function netnsInode(name: string): Promise<number> {
  return inode(`/run/netns/${name}`);
}

/** Clock ticks since boot now, comparable with {@link HostProcess.start}. */
export async function ticksNow(): Promise<number> {
  const uptime = await readFile("/proc/uptime", "utf8");
  // USER_HZ, the unit of /proc/<pid>/stat's starttime, is 100 on Linux.
  return Math.ceil(Number(uptime.split(" ")[0]) * 100);
}
