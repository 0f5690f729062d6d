import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import {
  type NatsConnection,
  nanos,
  PermissionViolationError,
} from "@nats-io/nats-core";
import { deviceNameProblem } from "../device-name.ts";
import { NcmError } from "../errors.ts";
import type { Logger } from "../log.ts";

/** Desired configs: key = device name, value = the whole config text. */
export const INTENDED_BUCKET = "intended";
/** Revisions kept per device, for `ncm history` and `ncm rollback`. */
export const INTENDED_HISTORY = 64;

/** Per-device reconcile status as JSON; only the latest value matters. */
export const STATUS_BUCKET = "status";
export const STATUS_HISTORY = 1;

/** What was done to devices, one subject per device. */
export const EVENTS_STREAM = "NCM_EVENTS";
export const EVENTS_SUBJECTS = "ncm.events.>";
export const EVENTS_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
export const EVENTS_MAX_PER_DEVICE = 1000;

/** The "already exists with another config" code, absent from the client's table. */
const STREAM_NAME_IN_USE = 10058;

export interface ResourceOptions {
  /** Replicas when the resource has to be created; default 1. */
  replicas?: number;
  /** Where to warn about an existing resource with other settings. */
  log?: Logger;
  /**
   * Deadline of each request made through the returned bucket handle, in
   * milliseconds; the client's default otherwise. A short one lets a
   * caller that retries notice an outage sooner.
   */
  timeoutMs?: number;
}

/** The subject of a device's events; refuses names that are no single token. */
export function eventSubject(device: string): string {
  const problem = deviceNameProblem(device);
  if (problem !== null) {
    throw new NcmError("input", "INVALID_DEVICE_NAME", problem, {
      details: { device },
    });
  }
  return `ncm.events.${device}`;
}

/** Opens the `intended` bucket, creating it (history 64) when missing. */
export function openIntended(
  nc: NatsConnection,
  options: ResourceOptions = {},
): Promise<KV> {
  return openBucket(nc, INTENDED_BUCKET, INTENDED_HISTORY, options);
}

/** Opens the `status` bucket, creating it (history 1) when missing. */
export function openStatus(
  nc: NatsConnection,
  options: ResourceOptions = {},
): Promise<KV> {
  return openBucket(nc, STATUS_BUCKET, STATUS_HISTORY, options);
}

/**
 * Opens a KV bucket, creating it when missing. An existing bucket is used
 * as it is, even with other settings: changing them behind an operator's
 * back would be worse than a warning.
 */
async function openBucket(
  nc: NatsConnection,
  bucket: string,
  history: number,
  options: ResourceOptions,
): Promise<KV> {
  const jsm = await manager(nc);
  const existing = await streamInfo(jsm, `KV_${bucket}`);
  if (existing !== null) {
    warnIfDifferent(
      options.log,
      bucket,
      "history",
      history,
      existing.config.max_msgs_per_subject,
    );
  }
  const js =
    options.timeoutMs === undefined
      ? nc
      : jetstream(nc, { timeout: options.timeoutMs });
  const create = () =>
    new Kvm(js).create(bucket, { history, replicas: options.replicas ?? 1 });
  try {
    return await create();
  } catch (err) {
    // Another process created it between our look and our create, with
    // settings differing in some detail; theirs is as good as ours.
    if (apiCode(err) === STREAM_NAME_IN_USE) {
      return await natsCall(`open KV bucket ${bucket}`, create);
    }
    throw natsError(`create KV bucket ${bucket}`, err);
  }
}

/**
 * Makes sure NCM_EVENTS exists: limits retention, 30 days, 1000 events a
 * device, oldest dropped first so publishing never fails for lack of room.
 */
export async function ensureEventsStream(
  nc: NatsConnection,
  options: ResourceOptions = {},
): Promise<StreamInfo> {
  const jsm = await manager(nc);
  const existing = await streamInfo(jsm, EVENTS_STREAM);
  if (existing !== null) {
    warnIfDifferent(
      options.log,
      EVENTS_STREAM,
      "max_msgs_per_subject",
      EVENTS_MAX_PER_DEVICE,
      existing.config.max_msgs_per_subject,
    );
    return existing;
  }
  const config: Partial<StreamConfig> & { name: string } = {
    name: EVENTS_STREAM,
    subjects: [EVENTS_SUBJECTS],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(EVENTS_MAX_AGE_MS),
    max_msgs_per_subject: EVENTS_MAX_PER_DEVICE,
    num_replicas: options.replicas ?? 1,
  };
  try {
    return await jsm.streams.add(config);
  } catch (err) {
    if (apiCode(err) === STREAM_NAME_IN_USE) {
      const raced = await streamInfo(jsm, EVENTS_STREAM);
      if (raced !== null) {
        return raced;
      }
    }
    throw natsError(`create stream ${EVENTS_STREAM}`, err);
  }
}

function manager(nc: NatsConnection): Promise<JetStreamManager> {
  return natsCall("reach JetStream (is it enabled on the server?)", () =>
    jetstreamManager(nc),
  );
}

/** The stream's info, or null when it does not exist. */
async function streamInfo(
  jsm: JetStreamManager,
  stream: string,
): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(stream);
  } catch (err) {
    if (apiCode(err) === JetStreamApiCodes.StreamNotFound) {
      return null;
    }
    throw natsError(`look up stream ${stream}`, err);
  }
}

function warnIfDifferent(
  log: Logger | undefined,
  resource: string,
  setting: string,
  expected: number,
  actual: number,
): void {
  if (actual !== expected) {
    log?.warn(
      {
        event: "resource-settings-differ",
        resource,
        setting,
        expected,
        actual,
      },
      `${resource} exists with ${setting} ${actual}, not ${expected}; left as it is`,
    );
  }
}

function apiCode(err: unknown): number | undefined {
  return err instanceof JetStreamApiError ? err.code : undefined;
}

async function natsCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw natsError(what, err);
  }
}

/** The client reports a refused publish as a request error caused by it. */
function deniedByPermissions(
  err: unknown,
): PermissionViolationError | undefined {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (e instanceof PermissionViolationError) {
      return e;
    }
  }
  return undefined;
}

function natsError(what: string, err: unknown): NcmError {
  if (err instanceof NcmError) {
    return err;
  }
  const reason = err instanceof Error ? err.message : String(err);
  const denied = deniedByPermissions(err);
  if (denied?.operation === "subscription") {
    // ncm subscribes only to its own inboxes (replies, watch deliveries):
    // the user's permissions expect another inbox prefix.
    return new NcmError(
      "nats",
      "NATS_INBOX_DENIED",
      `cannot ${what}: this NATS user may not subscribe to ${denied.subject}, where replies to its requests arrive; ` +
        "run ncm with --inbox-prefix (NATS_INBOX_PREFIX) set to a prefix the user may subscribe to, " +
        "such as _INBOX_<user> under docs/nats-permissions.conf",
      { cause: err, retryable: false },
    );
  }
  if (denied !== undefined) {
    // Under restricted permissions only an administrator creates
    // resources (docs/SECURITY.md); waiting will not change that.
    return new NcmError(
      "nats",
      "NATS_PERMISSION",
      `cannot ${what}: this NATS user is not allowed to (${reason}); ` +
        "if the resource is missing, create it first with ncm init as a user that may",
      { cause: err, retryable: false },
    );
  }
  return new NcmError("nats", "NATS_RESOURCE", `cannot ${what}: ${reason}`, {
    cause: err,
  });
}

/** Operator switches per device (pause), kept apart from the minion's status. */
export const CONTROL_BUCKET = "control";
export const CONTROL_HISTORY = 16;

/** Running-configs taken by the `backup` function, with history. */
export const BACKUPS_BUCKET = "backups";
export const BACKUPS_HISTORY = 64;

/** The value under a device's key in `control`. */
export interface DeviceControl {
  paused: boolean;
  /** Who asked (user@host), for the audit trail. */
  by: string;
  at: string;
  reason?: string;
}

/** Opens the `control` bucket, creating it when missing. */
export function openControl(
  nc: NatsConnection,
  options: ResourceOptions = {},
): Promise<KV> {
  return openBucket(nc, CONTROL_BUCKET, CONTROL_HISTORY, options);
}

/** Opens the `backups` bucket, creating it when missing. */
export function openBackups(
  nc: NatsConnection,
  options: ResourceOptions = {},
): Promise<KV> {
  return openBucket(nc, BACKUPS_BUCKET, BACKUPS_HISTORY, options);
}

/** Live minions announce themselves here: key = minion name. */
export const MINIONS_BUCKET = "minions";
/** Which minion owns each device: key = device name. */
export const OWNERS_BUCKET = "owners";

/** Opens the `minions` bucket, creating it when missing. */
export function openMinions(
  nc: NatsConnection,
  options: ResourceOptions = {},
): Promise<KV> {
  return openBucket(nc, MINIONS_BUCKET, 1, options);
}

/** Opens the `owners` bucket, creating it when missing. */
export function openOwners(
  nc: NatsConnection,
  options: ResourceOptions = {},
): Promise<KV> {
  return openBucket(nc, OWNERS_BUCKET, 1, options);
}

/** SSH host keys pinned on first use: key = device name, value = JSON. */
export const HOSTKEYS_BUCKET = "hostkeys";
/** A few revisions, so a replaced pin can still be read in its history. */
export const HOSTKEYS_HISTORY = 8;

/**
 * Opens the `hostkeys` bucket, creating it when missing. Every minion
 * shares it, so a device taken over by another minion is checked against
 * the same pin.
 */
export function openHostKeys(
  nc: NatsConnection,
  options: ResourceOptions = {},
): Promise<KV> {
  return openBucket(nc, HOSTKEYS_BUCKET, HOSTKEYS_HISTORY, options);
}
