import type { KV } from "@nats-io/kv";
import { statusTable } from "../cli/format/status-table.ts";
import type { DeviceStatus } from "../reconciler/types.ts";

const REFRESH_MS = 1_000;

/**
 * Shows the `status` bucket as it changes: redrawn in place on a terminal,
 * one line a change of state otherwise (logs, CI).
 */
export class StatusBoard {
  readonly #statuses = new Map<string, DeviceStatus>();
  readonly #out: NodeJS.WriteStream;
  readonly #header: string;
  #timer: NodeJS.Timeout | undefined;
  #watch: { stop(): void } | null = null;
  #linesDrawn = 0;

  constructor(out: NodeJS.WriteStream, header: string) {
    this.#out = out;
    this.#header = header;
  }

  async start(status: KV): Promise<void> {
    this.#out.write(this.#header);
    const watch = await status.watch();
    this.#watch = watch;
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation === "PUT") {
          this.#onStatus(entry.json<DeviceStatus>());
        }
      }
    })();
    if (this.#out.isTTY) {
      this.#timer = setInterval(() => this.#redraw(), REFRESH_MS);
    }
  }

  /** The latest status of every device seen, by name. */
  statuses(): DeviceStatus[] {
    return [...this.#statuses.values()].sort((a, b) =>
      a.device.localeCompare(b.device),
    );
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#watch?.stop();
  }

  #onStatus(status: DeviceStatus): void {
    const previous = this.#statuses.get(status.device);
    this.#statuses.set(status.device, status);
    if (this.#out.isTTY) {
      this.#redraw();
    } else if (previous?.state !== status.state) {
      const error = status.lastError === null ? "" : ` (${status.lastError})`;
      this.#out.write(`${status.device}: ${status.state}${error}\n`);
    }
  }

  #redraw(): void {
    const table = statusTable(this.statuses());
    const up = this.#linesDrawn > 0 ? `\x1b[${this.#linesDrawn}F` : "";
    this.#out.write(`${up}\x1b[J${table}\n`);
    this.#linesDrawn = table.split("\n").length;
  }
}
