// In-memory queue of request-log rows waiting for the writer, and the count of every row not in the database yet:
// queued here, held by the writer, or spilled to the file that the next start replays. The request path only enqueues.
import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { PrometheusService } from '../metrics/prometheus.service';
import { RequestLogRow } from './request-log-row';

/** At ~5k req/s this is 20 s of traffic: room for a slow disk or a locked database before anything is dropped. */
export const REQUEST_LOG_CAPACITY = 100_000;
/** Queued rows at which the writer is woken before its next timer tick (half a statement's worth). */
export const REQUEST_LOG_HIGH_WATER = 500;

/** Rows the writer took and is writing; `written` of them (from the front) are in the database. */
export interface HeldBatch {
  readonly rows: RequestLogRow[];
  written: number;
}

export interface RequestLogBufferStats {
  /** Every row not in the database yet: queued + held by the writer + waiting in the spill file. */
  depth: number;
  queued: number;
  inWriter: number;
  spillPending: number;
  capacity: number;
  /** Rows lost because the buffer was full (never silent: also in /metrics and the telemetry summary). */
  dropped: number;
  written: number;
  writeFailures: number;
  /** Rows this process wrote to the spill file because the database could not take them before exit. */
  spilled: number;
  /** Rows of a spill file written to the database at start (`replaySkipped`: already there from an interrupted replay). */
  replayed: number;
  replaySkipped: number;
  lastFlushAt: string | null;
  /** Requests that named a run without an open run's key (x-run-key unknown or closed, or a bare x-run-id). */
  runIdsRejected: number;
}

@Injectable()
export class RequestLogBuffer {
  readonly capacity = REQUEST_LOG_CAPACITY;
  private rows: RequestLogRow[] = [];
  private readonly held = new Set<HeldBatch>();
  private spillPendingCount = 0;
  private droppedCount = 0;
  private writtenCount = 0;
  private failureCount = 0;
  private spilledCount = 0;
  private replayedCount = 0;
  private replaySkippedCount = 0;
  private runIdRejectedCount = 0;
  private lastFlush: number | null = null;
  private highWaterListener: (() => void) | null = null;

  private readonly droppedTotal: Counter;
  private readonly writtenTotal: Counter;
  private readonly failuresTotal: Counter;
  private readonly spilledTotal: Counter;
  private readonly replayedTotal: Counter;
  private readonly runIdsRejectedTotal: Counter;

  constructor(prometheus: PrometheusService) {
    const registers = [prometheus.registry];
    const gauge = (name: string, help: string, value: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(value());
        },
      });
    gauge('bloom_request_log_buffer_depth', 'Request-log rows not in the database yet (queued, held by the writer, spilled)', () => this.depth);
    gauge('bloom_request_log_in_writer', 'Request-log rows taken by the writer and not written yet', () => this.inWriter);
    gauge('bloom_request_log_spill_pending', 'Request-log rows in the spill file, not replayed yet', () => this.spillPendingCount);
    new Gauge({ name: 'bloom_request_log_buffer_capacity', help: 'Request-log buffer capacity', registers }).set(this.capacity);
    this.droppedTotal = new Counter({ name: 'bloom_request_log_dropped_total', help: 'Request-log rows dropped because the buffer was full', registers });
    this.writtenTotal = new Counter({ name: 'bloom_request_log_written_total', help: 'Request-log rows written to the database', registers });
    this.failuresTotal = new Counter({ name: 'bloom_request_log_write_failures_total', help: 'Failed request-log flushes (rows kept and retried)', registers });
    this.spilledTotal = new Counter({ name: 'bloom_request_log_spilled_total', help: 'Request-log rows spilled to the file at shutdown', registers });
    this.replayedTotal = new Counter({ name: 'bloom_request_log_replayed_total', help: 'Spilled request-log rows written to the database at start', registers });
    this.runIdsRejectedTotal = new Counter({ name: 'bloom_request_log_run_id_rejected_total', help: 'Requests whose run tag was refused (unknown or closed x-run-key, or a bare x-run-id): logged untagged', registers });
  }

  /** Rows waiting for the writer to take them. */
  get queued(): number {
    return this.rows.length;
  }

  get inWriter(): number {
    let n = 0;
    for (const batch of this.held) n += batch.rows.length - batch.written;
    return n;
  }

  get spillPending(): number {
    return this.spillPendingCount;
  }

  get depth(): number {
    return this.rows.length + this.inWriter + this.spillPendingCount;
  }

  /** O(1) on the request path; a full buffer counts the row as dropped. */
  push(row: RequestLogRow): void {
    if (this.rows.length >= this.capacity) {
      this.droppedCount++;
      this.droppedTotal.inc();
      return;
    }
    this.rows.push(row);
    if (this.rows.length === REQUEST_LOG_HIGH_WATER) this.highWaterListener?.();
  }

  /** Hands up to `max` of the oldest rows to the writer; they count as in-writer until `release`. */
  take(max: number): HeldBatch {
    let rows = this.rows;
    if (rows.length <= max) this.rows = [];
    else rows = this.rows.splice(0, max);
    const batch: HeldBatch = { rows, written: 0 };
    this.held.add(batch);
    return batch;
  }

  /** The next `count` rows of the batch are in the database. */
  recordWritten(batch: HeldBatch, count: number, at = Date.now()): void {
    batch.written += count;
    // A batch given up to the spill file meanwhile (a shutdown deadline) was counted there.
    if (!this.held.has(batch)) return;
    this.writtenCount += count;
    this.writtenTotal.inc(count);
    this.lastFlush = at;
  }

  /** The writer is done with the batch: rows it could not write go back in front, in order. Returns how many. */
  release(batch: HeldBatch): number {
    if (!this.held.delete(batch)) return 0;
    const rest = batch.rows.slice(batch.written);
    if (rest.length > 0) this.requeue(rest);
    return rest.length;
  }

  /** Empties the queue and takes over the unwritten rows of every held batch (shutdown: they go to the spill file). */
  takeAll(): RequestLogRow[] {
    const rows: RequestLogRow[] = [];
    for (const batch of this.held) rows.push(...batch.rows.slice(batch.written));
    this.held.clear();
    rows.push(...this.rows);
    this.rows = [];
    return rows;
  }

  onHighWater(listener: () => void): void {
    this.highWaterListener = listener;
  }

  recordWriteFailure(): void {
    this.failureCount++;
    this.failuresTotal.inc();
  }

  recordRunIdRejected(): void {
    this.runIdRejectedCount++;
    this.runIdsRejectedTotal.inc();
  }

  /** Rows that can no longer be written (e.g. neither the database nor the spill file took them). */
  recordLost(count: number): void {
    this.droppedCount += count;
    this.droppedTotal.inc(count);
  }

  recordSpilled(count: number): void {
    this.spilledCount += count;
    this.spilledTotal.inc(count);
  }

  /** Rows found in the spill file and not written yet. */
  setSpillPending(count: number): void {
    this.spillPendingCount = count;
  }

  recordReplayed(inserted: number, skipped: number): void {
    this.replayedCount += inserted;
    this.replaySkippedCount += skipped;
    this.replayedTotal.inc(inserted);
    this.spillPendingCount = 0;
  }

  stats(): RequestLogBufferStats {
    const inWriter = this.inWriter;
    return {
      depth: this.rows.length + inWriter + this.spillPendingCount,
      queued: this.rows.length,
      inWriter,
      spillPending: this.spillPendingCount,
      capacity: this.capacity,
      dropped: this.droppedCount,
      written: this.writtenCount,
      writeFailures: this.failureCount,
      spilled: this.spilledCount,
      replayed: this.replayedCount,
      replaySkipped: this.replaySkippedCount,
      lastFlushAt: this.lastFlush === null ? null : new Date(this.lastFlush).toISOString(),
      runIdsRejected: this.runIdRejectedCount,
    };
  }

  /** Puts rows whose write failed back in front, in order; what no longer fits is counted as dropped. */
  private requeue(rows: RequestLogRow[]): void {
    const merged = rows.concat(this.rows);
    const overflow = merged.length - this.capacity;
    if (overflow > 0) {
      merged.length = this.capacity;
      this.droppedCount += overflow;
      this.droppedTotal.inc(overflow);
    }
    this.rows = merged;
  }
}
