import type { NatsConnection, Status } from "@nats-io/nats-core";
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  Registry,
} from "prom-client";
import type {
  DeviceState,
  DeviceStatus,
  NcmEvent,
  ReconcileOutcome,
} from "../reconciler/types.ts";

/** What the metrics read from the minion when scraped. */
export interface MetricsSource {
  /** Status of every device the minion owns now. */
  statuses(): Iterable<Readonly<DeviceStatus>>;
  /**
   * The minion-wide limit on device work: `size` tasks wait for a slot,
   * `pending` run (reconcile passes and function calls alike).
   */
  queue: { readonly size: number; readonly pending: number };
}

export interface MinionMetricsOptions {
  /** Added as a `minion` label to every series, so dashboards can tell minions apart. */
  minion?: string;
  /** Node.js process metrics (CPU, memory, event loop). @default true */
  processMetrics?: boolean;
}

/** How a pass ended, as the `outcome` label says it. */
export type OutcomeLabel = ReconcileOutcome["result"] | "skipped";

const OUTCOMES: readonly OutcomeLabel[] = [
  "in-sync",
  "applied",
  "drifted",
  "failed",
  "unmanaged",
  "skipped",
];

const STATES = [
  "in-sync",
  "drifted",
  "applying",
  "failed",
  "unreachable",
  "paused",
  "unknown",
] as const satisfies readonly DeviceState[];

// A state added to DeviceState must be added above: this fails to compile
// until it is.
const allStates: Exclude<DeviceState, (typeof STATES)[number]> extends never
  ? true
  : never = true;
void allStates;

/** From a quick commit to a commit timer's worth of a large config. */
const APPLY_BUCKETS = [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

/**
 * A minion's Prometheus metrics, in a registry of its own (not prom-client's
 * global one) so several minions can live in one process, as in tests.
 * Counters are fed by the minion as things happen; gauges are read from the
 * bound {@link MetricsSource} when scraped, so they are never stale.
 */
export class MinionMetrics {
  readonly registry = new Registry();
  readonly #reconciles: Counter<"outcome">;
  readonly #drift: Counter;
  readonly #apply: Histogram;
  readonly #ssh: Gauge;
  readonly #reconnects: Counter;
  #source: MetricsSource | null = null;
  #natsStops: (() => void)[] = [];

  constructor(options: MinionMetricsOptions = {}) {
    if (options.minion !== undefined) {
      this.registry.setDefaultLabels({ minion: options.minion });
    }
    const registers = [this.registry];
    this.#reconciles = new Counter({
      name: "ncm_reconciles_total",
      help: "Reconcile passes by how they ended",
      labelNames: ["outcome"],
      registers,
    });
    for (const outcome of OUTCOMES) {
      this.#reconciles.inc({ outcome }, 0);
    }
    this.#drift = new Counter({
      name: "ncm_drift_detected_total",
      help: "Times a device's running-config was found changed behind ncm's back",
      registers,
    });
    this.#apply = new Histogram({
      name: "ncm_apply_duration_seconds",
      help: "Duration of passes that corrected drift, from start to commit",
      buckets: APPLY_BUCKETS,
      registers,
    });
    this.#ssh = new Gauge({
      name: "ncm_ssh_connections",
      help: "SSH connections to devices open now",
      registers,
    });
    this.#reconnects = new Counter({
      name: "ncm_nats_reconnects_total",
      help: "Times the NATS connection was restored after a loss",
      registers,
    });
    this.#sourceGauges(registers);
    if (options.processMetrics !== false) {
      collectDefaultMetrics({ register: this.registry });
    }
  }

  /** Tells the metrics where to read device states and queue depth. */
  bind(source: MetricsSource): void {
    this.#source = source;
  }

  /** Counts a finished pass; call once per pass, whatever asked for it. */
  passFinished(outcome: ReconcileOutcome): void {
    this.#reconciles.inc({ outcome: outcomeLabel(outcome) });
  }

  /** Feeds drift and apply figures from the events the minion publishes. */
  eventPublished(event: NcmEvent): void {
    // Like the status's driftCount: a revision not applied yet is no drift.
    if (event.kind === "drift-detected" && event.outOfBand) {
      this.#drift.inc();
    } else if (event.kind === "applied") {
      this.#apply.observe(event.durationMs / 1000);
    }
  }

  /**
   * Called by a driver when an SSH connection opens (+1) or closes (-1).
   * An arrow function so it can be handed over as a callback.
   */
  readonly sshConnection = (delta: 1 | -1): void => {
    this.#ssh.inc(delta);
  };

  /** Counts reconnects of `nc` until it closes or {@link stop} is called. */
  watchNats(nc: NatsConnection): void {
    // nats.js returns a queued iterator whose stop() ends the loop at once;
    // the public type only promises an AsyncIterable.
    const statuses = nc.status() as AsyncIterable<Status> &
      Partial<{ stop(): void }>;
    this.#natsStops.push(() => statuses.stop?.());
    void (async () => {
      for await (const status of statuses) {
        if (status.type === "reconnect") {
          this.#reconnects.inc();
        }
      }
    })();
  }

  /** The exposition text, as served at /metrics. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  stop(): void {
    for (const stop of this.#natsStops) {
      stop();
    }
    this.#natsStops = [];
  }

  #sourceGauges(registers: Registry[]): void {
    const metrics = this;
    new Gauge({
      name: "ncm_devices",
      help: "Devices owned by this minion, by state",
      labelNames: ["state"],
      registers,
      collect() {
        const counts = countStates(metrics.#source?.statuses() ?? []);
        for (const state of STATES) {
          this.set({ state }, counts.get(state) ?? 0);
        }
      },
    });
    new Gauge({
      name: "ncm_queue_depth",
      help: "Device work waiting for a slot under the minion's concurrency limit",
      registers,
      collect() {
        this.set(metrics.#source?.queue.size ?? 0);
      },
    });
    new Gauge({
      name: "ncm_queue_running",
      help: "Device work running now (at most the minion's concurrency)",
      registers,
      collect() {
        this.set(metrics.#source?.queue.pending ?? 0);
      },
    });
  }
}

/** A pass skipped for backoff or shutdown did no device work: not "failed". */
function outcomeLabel(outcome: ReconcileOutcome): OutcomeLabel {
  return outcome.result === "failed" && outcome.error?.code === "SKIPPED"
    ? "skipped"
    : outcome.result;
}

function countStates(
  statuses: Iterable<Readonly<DeviceStatus>>,
): Map<DeviceState, number> {
  const counts = new Map<DeviceState, number>();
  for (const status of statuses) {
    counts.set(status.state, (counts.get(status.state) ?? 0) + 1);
  }
  return counts;
}
