/** One line of a pull's JSON progress stream, as far as a tally reads it. */
export interface PullProgressLine {
  id?: string;
  status?: string;
}

/** Statuses of a layer the engine fetches, from "Pulling fs layer" to "Pull complete". */
const FETCHED = new Set([
  'Pulling fs layer',
  'Waiting',
  'Downloading',
  'Verifying Checksum',
  'Download complete',
  'Extracting',
  'Pull complete',
]);
/** Statuses that say a layer's bytes have all arrived. */
const ARRIVED = new Set(['Download complete', 'Extracting', 'Pull complete']);
const PRESENT = 'Already exists';

/**
 * Counts a pull's layers from its progress stream and times when the last one
 * arrived.
 *
 * dockerd does not send every status of a layer: each layer's transfer keeps
 * only its latest progress, and the watcher that writes the stream wakes and
 * writes whatever is latest then (moby `distribution/xfer/transfer.go`,
 * `Broadcast` and `Watch`). A layer whose "Download complete" is followed at
 * once by "Extracting" can skip the former; only a transfer's last status
 * ("Pull complete") is sure to be written. So a layer counts as fetched by
 * any status of its fetch, and as arrived by the first of "Download
 * complete", "Extracting" or "Pull complete". Counting "Download complete"
 * alone missed a layer in one pull of three (`layersPulled: 2` of 3).
 */
export class PullProgressTally {
  readonly #fetched = new Set<string>();
  readonly #present = new Set<string>();
  readonly #arrivedAt = new Map<string, number>();

  /** Reads one line; `atMs` is when it came, on the caller's clock. */
  add(line: PullProgressLine, atMs: number): void {
    const { id, status } = line;
    if (!id || !status) return;
    if (status === PRESENT) this.#present.add(id);
    else if (FETCHED.has(status)) this.#fetched.add(id);
    if (ARRIVED.has(status) && !this.#arrivedAt.has(id)) this.#arrivedAt.set(id, atMs);
  }

  /** Layers the engine fetched (none reported as already there). */
  get layersPulled(): number {
    return [...this.#fetched].filter((id) => !this.#present.has(id)).length;
  }

  /** Layers the engine reported as already there. */
  get layersPresent(): number {
    return this.#present.size;
  }

  /** When the last fetched layer's bytes had all arrived, or undefined when none did. */
  get lastArrivalMs(): number | undefined {
    const times = [...this.#arrivedAt.values()];
    return times.length > 0 ? Math.max(...times) : undefined;
  }
}
