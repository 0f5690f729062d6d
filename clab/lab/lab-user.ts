import { chown, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { NcmError } from "../../core/errors.ts";
import type { LabPlan } from "./lab-plan.ts";
import type { LabTools } from "./lab-tools.ts";
import { runCommand } from "./run-command.ts";
import { lookupId, userComment } from "./system-ids.ts";

/** The comment that marks a user as made by this lab. */
function marker(plan: LabPlan): string {
  return plan.linkAlias;
}

export function homeOf(plan: LabPlan): string {
  return join(plan.dir, "home");
}

/**
 * The SSH user of the lab: in groups frr (write the routers' config and
 * run folders, for frr-reload.py) and frrvty (talk to the daemons through
 * vtysh), with a home in the lab's folder.
 */
export async function makeLabUser(
  plan: LabPlan,
  password: string,
  tools: LabTools,
): Promise<void> {
  if ((await lookupId("user", plan.user)) !== null) {
    throw new NcmError(
      "input",
      "LAB_USER_EXISTS",
      `user ${plan.user} already exists; if an earlier lab ${plan.name} ` +
        "was not taken down, run ncm lab down first",
    );
  }
  const home = homeOf(plan);
  await runCommand([
    tools.useradd,
    "--no-create-home",
    "--home-dir",
    home,
    "--shell",
    "/bin/bash",
    "--groups",
    "frr,frrvty",
    "--comment",
    marker(plan),
    plan.user,
  ]);
  await runCommand([tools.chpasswd], { input: `${plan.user}:${password}\n` });
  const uid = (await lookupId("user", plan.user))!;
  const gid = (await lookupId("group", plan.user)) ?? uid;
  await mkdir(home, { recursive: true, mode: 0o700 });
  await chown(home, uid, gid);
}

/**
 * Removes the lab's user, but only one this lab made (its comment says
 * so). Returns whether a user was removed.
 */
export async function removeLabUser(
  plan: LabPlan,
  tools: LabTools,
): Promise<boolean> {
  const comment = await userComment(plan.user);
  if (comment === null) {
    return false;
  }
  if (comment !== marker(plan)) {
    throw new NcmError(
      "input",
      "LAB_USER_NOT_OURS",
      `user ${plan.user} was not made by ncm lab ${plan.name} ` +
        `(its comment is ${JSON.stringify(comment)}); leaving it`,
    );
  }
  await runCommand([tools.userdel, plan.user]);
  return true;
}
