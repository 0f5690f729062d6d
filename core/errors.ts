/**
 * Every failure ncm reports crosses module boundaries as an {@link NcmError}:
 * callers branch on `category` and `retryable`, never on message text.
 */

/** What kind of failure, coarse enough to decide what to do next. */
export type ErrorCategory =
  /** The device refused our credentials. Retrying will not help. */
  | "authentication"
  /** TCP connect failed, or the host did not answer. */
  | "unreachable"
  /** An operation took longer than its deadline. */
  | "timeout"
  /** The device rejected a configuration line. */
  | "rejected-config"
  /** The device has too many pending configuration sessions. */
  | "session-limit"
  /** The device answered something we could not understand. */
  | "protocol"
  /** The SSH host key did not match the pinned one. */
  | "host-key"
  /** Bad user input: a file, an option, an inventory entry. */
  | "input"
  /** A refusal made on purpose to protect the device (lockout guard). */
  | "guard"
  /** NATS or JetStream failed. */
  | "nats"
  /** The minion no longer owns the device. */
  | "fenced"
  /** A bug or an unexpected state. */
  | "internal";

/** Categories where trying again later can succeed. */
const RETRYABLE: ReadonlySet<ErrorCategory> = new Set<ErrorCategory>([
  "unreachable",
  "timeout",
  "session-limit",
  "protocol",
  "nats",
]);

export interface NcmErrorOptions {
  /** The original error, kept for logs and debugging. */
  cause?: unknown;
  /** Overrides the default retry decision of the category. */
  retryable?: boolean;
  /** Machine-readable details (a rejected line, a device name). */
  details?: Record<string, unknown>;
}

export class NcmError extends Error {
  override name = "NcmError";
  /** Stable, machine-readable code such as `EOS_REJECTED_LINE`. */
  readonly code: string;
  readonly category: ErrorCategory;
  /** Whether the same operation may succeed if tried again later. */
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(
    category: ErrorCategory,
    code: string,
    message: string,
    options: NcmErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.category = category;
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE.has(category);
    this.details = options.details ?? {};
  }

  /** A plain object safe to log, store in status or send over NATS. */
  toJSON(): SerializedError {
    return {
      name: this.name,
      code: this.code,
      category: this.category,
      retryable: this.retryable,
      message: this.message,
    };
  }
}

export interface SerializedError {
  name: string;
  code: string;
  category: ErrorCategory;
  retryable: boolean;
  message: string;
}

/** Wraps anything thrown into an NcmError, keeping the original as cause. */
export function toNcmError(
  err: unknown,
  fallback: ErrorCategory = "internal",
): NcmError {
  if (err instanceof NcmError) {
    return err;
  }
  const message = err instanceof Error ? err.message : String(err);
  return new NcmError(fallback, "UNEXPECTED", message, { cause: err });
}

/** A usage error: the CLI prints the message and exits 2. */
export class UsageError extends NcmError {
  override name = "UsageError";

  constructor(message: string) {
    super("input", "USAGE", message, { retryable: false });
  }
}
