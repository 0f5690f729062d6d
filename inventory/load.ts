import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, resolve } from "node:path";
import { NcmError } from "../core/errors.ts";
import { readAnsibleInventory } from "./ansible-format.ts";
import { looksLikeAnsibleIni, parseAnsibleIni } from "./ansible-ini.ts";
import { readClabTopology } from "./clab-format.ts";
import { detectFormat, type InventoryFormat } from "./detect-format.ts";
import type { Environment } from "./expand-env.ts";
import type { FormatContext } from "./format-context.ts";
import { readNcmInventory } from "./ncm-format.ts";
import { Problems } from "./problems.ts";
import type { DeviceSpec, Inventory } from "./types.ts";
import {
  type UnsetPolicy,
  type UnsetVariable,
  UnsetVariables,
} from "./unset-variables.ts";
import { parseYamlSource } from "./yaml-source.ts";

/** An inventory as read from a file, with what the reader had to say. */
export interface LoadedInventory extends Inventory {
  format: InventoryFormat;
  /**
   * What was skipped or assumed (Ansible hosts of other platforms,
   * containerlab nodes that are no routers, where credentials came from),
   * one sentence each, never a secret.
   */
  notes: string[];
  /**
   * Settings left out for an unset environment variable; empty unless
   * read with `unsetVariables: "defer"`.
   */
  unset: UnsetVariable[];
}

export interface LoadOptions {
  /**
   * "refuse" (the default, for every command that logs in to a device)
   * makes a setting whose environment variable is unset a problem;
   * "defer" leaves it out and lists it in `unset`, for commands that only
   * show the inventory and so never need a secret.
   */
  unsetVariables?: UnsetPolicy;
}

type Reader = (
  doc: Record<string, unknown>,
  ctx: FormatContext,
) => DeviceSpec[];

const READERS: Record<InventoryFormat, Reader> = {
  ncm: readNcmInventory,
  ansible: readAnsibleInventory,
  containerlab: readClabTopology,
};

/**
 * Reads and validates an inventory file. Every failure is an NcmError of
 * category "input" whose message names the file and never holds a secret.
 */
export async function loadInventory(
  file: string,
  options: LoadOptions = {},
): Promise<LoadedInventory> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw readError(file, err);
  }
  return parseInventory(text, file, process.env, options);
}

/**
 * Parses inventory text. `source` names the file in messages, and relative
 * key file paths are taken from its folder.
 */
export function parseInventory(
  text: string,
  source: string,
  env: Environment = process.env,
  options: LoadOptions = {},
): LoadedInventory {
  const yaml = looksLikeAnsibleIni(text)
    ? parseAnsibleIni(text, source)
    : parseYamlSource(text, source);
  if (yaml.value === null || yaml.value === undefined) {
    throw new NcmError(
      "input",
      "INVENTORY_EMPTY",
      `${source}: the inventory is empty; expected a mapping with a devices key`,
      { details: { file: source } },
    );
  }
  const format = detectFormat(yaml.value);
  if (format === null) {
    throw new NcmError(
      "input",
      "INVENTORY_FORMAT",
      `${source}: not an inventory ncm can read; expected a mapping with a devices key ` +
        "(ncm), groups under all (Ansible) or topology.nodes (containerlab)",
      { details: { file: source } },
    );
  }
  const problems = new Problems(source, yaml.lineOf);
  const notes: string[] = [];
  const unset = new UnsetVariables(options.unsetVariables ?? "refuse");
  const devices = READERS[format](yaml.value as Record<string, unknown>, {
    problems,
    notes,
    env,
    baseDir: dirname(resolve(source)),
    home: env.HOME ?? homedir(),
    unset,
  });
  problems.throwIfAny();
  return { source, devices, format, notes, unset: unset.list() };
}

function readError(file: string, err: unknown): NcmError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") {
    return new NcmError(
      "input",
      "INVENTORY_NOT_FOUND",
      `inventory file ${file} not found`,
      { cause: err, details: { file } },
    );
  }
  return new NcmError(
    "input",
    "INVENTORY_READ",
    `cannot read inventory file ${file}: ${code ?? (err as Error).message}`,
    { cause: err, details: { file } },
  );
}
