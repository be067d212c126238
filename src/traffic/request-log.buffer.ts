// In-memory queue of request-log rows waiting for the writer. The request path only enqueues here.
import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { PrometheusService } from '../metrics/prometheus.service';
import { RequestLogRow } from './request-log-row';

/** At ~5k req/s this is 20 s of traffic: room for a slow disk or a locked database before anything is dropped. */
export const REQUEST_LOG_CAPACITY = 100_000;
/** Depth at which the writer is woken before its next timer tick. */
export const REQUEST_LOG_HIGH_WATER = 5_000;

export interface RequestLogBufferStats {
  depth: number;
  capacity: number;
  /** Rows lost because the buffer was full (never silent: also in /metrics and the telemetry summary). */
  dropped: number;
  written: number;
  writeFailures: number;
  lastFlushAt: string | null;
  runIdsRejected: number;
}

@Injectable()
export class RequestLogBuffer {
  readonly capacity = REQUEST_LOG_CAPACITY;
  private rows: RequestLogRow[] = [];
  private droppedCount = 0;
  private writtenCount = 0;
  private failureCount = 0;
  private runIdRejectedCount = 0;
  private lastFlush: number | null = null;
  private highWaterListener: (() => void) | null = null;

  private readonly droppedTotal: Counter;
  private readonly writtenTotal: Counter;
  private readonly failuresTotal: Counter;
  private readonly runIdsRejectedTotal: Counter;

  constructor(prometheus: PrometheusService) {
    const registers = [prometheus.registry];
    const depth = () => this.rows.length;
    new Gauge({
      name: 'bloom_request_log_buffer_depth',
      help: 'Request-log rows waiting to be written',
      registers,
      collect() {
        this.set(depth());
      },
    });
    new Gauge({ name: 'bloom_request_log_buffer_capacity', help: 'Request-log buffer capacity', registers }).set(this.capacity);
    this.droppedTotal = new Counter({ name: 'bloom_request_log_dropped_total', help: 'Request-log rows dropped because the buffer was full', registers });
    this.writtenTotal = new Counter({ name: 'bloom_request_log_written_total', help: 'Request-log rows written to the database', registers });
    this.failuresTotal = new Counter({ name: 'bloom_request_log_write_failures_total', help: 'Failed request-log flushes (rows kept and retried)', registers });
    this.runIdsRejectedTotal = new Counter({ name: 'bloom_request_log_run_id_rejected_total', help: 'Malformed x-run-id headers dropped from log rows', registers });
  }

  get depth(): number {
    return this.rows.length;
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

  /** Removes and returns up to `max` of the oldest rows. */
  take(max: number): RequestLogRow[] {
    if (this.rows.length <= max) {
      const all = this.rows;
      this.rows = [];
      return all;
    }
    return this.rows.splice(0, max);
  }

  /** Puts rows whose write failed back in front, in order; what no longer fits is counted as dropped. */
  requeue(rows: RequestLogRow[]): void {
    const merged = rows.concat(this.rows);
    const overflow = merged.length - this.capacity;
    if (overflow > 0) {
      merged.length = this.capacity;
      this.droppedCount += overflow;
      this.droppedTotal.inc(overflow);
    }
    this.rows = merged;
  }

  onHighWater(listener: () => void): void {
    this.highWaterListener = listener;
  }

  recordWritten(count: number, at = Date.now()): void {
    this.writtenCount += count;
    this.writtenTotal.inc(count);
    this.lastFlush = at;
  }

  recordWriteFailure(): void {
    this.failureCount++;
    this.failuresTotal.inc();
  }

  recordRunIdRejected(): void {
    this.runIdRejectedCount++;
    this.runIdsRejectedTotal.inc();
  }

  /** Rows that can no longer be written (e.g. the database stayed down through shutdown). */
  recordLost(count: number): void {
    this.droppedCount += count;
    this.droppedTotal.inc(count);
  }

  stats(): RequestLogBufferStats {
    return {
      depth: this.rows.length,
      capacity: this.capacity,
      dropped: this.droppedCount,
      written: this.writtenCount,
      writeFailures: this.failureCount,
      lastFlushAt: this.lastFlush === null ? null : new Date(this.lastFlush).toISOString(),
      runIdsRejected: this.runIdRejectedCount,
    };
  }
}
