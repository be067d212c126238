// Hourly rollups of request_log into metrics_rollup, with catch-up, late-row re-rolls and retention pruning.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Counter } from 'prom-client';
import { AppConfig, appConfig } from '../config/app.config';
import { PrometheusService } from '../metrics/prometheus.service';
import { figuresFromAggregates, GroupAggregate, groupKey, mergeSorted, RollupFigures, rollupRanks, sortedDurations } from './rollup-math';
import { HourFigures, HourGroup, TrafficRepository } from './traffic.repository';
import { HOUR_MS, hourStart } from './time';

/** Rows per DELETE while pruning: keeps each statement short so request-log flushes and requests interleave. */
export const PRUNE_BATCH = 5_000;
/**
 * Raw rows aggregated per batch of hours (~18 hours of a busy day). Statements stay short: while one runs on
 * SQLite's one connection, a request query that completes meanwhile holds the event loop until it ends.
 */
export const BATCH_ROWS = 25_000;
/** The loop is handed back at least this often while percentiles are picked. */
const PAUSE_EVERY_MS = 10;

export interface RolledHourReport {
  hourStart: string;
  requests: number;
  /** True when the hour had been rolled before and late rows made its count change. */
  reRolled: boolean;
}

export interface RollupReport {
  rolled: RolledHourReport[];
  prunedRows: number;
  /** True when shutdown interrupted the run; the next run continues where it stopped. */
  interrupted: boolean;
}

@Injectable()
export class RollupService {
  private readonly logger = new Logger('RollupService');
  private last: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private heldSince = performance.now();
  private readonly hoursRolled: Counter;
  private readonly rowsPruned: Counter;

  constructor(
    private readonly repo: TrafficRepository,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    prometheus: PrometheusService,
  ) {
    const registers = [prometheus.registry];
    this.hoursRolled = new Counter({ name: 'bloom_rollup_hours_total', help: 'Hours rolled up (re-rolls of hours that received late rows included)', registers });
    this.rowsPruned = new Counter({ name: 'bloom_rollup_pruned_rows_total', help: 'Raw request_log rows deleted past retention', registers });
  }

  /**
   * Rolls every complete hour (before hourStart(now)) that has raw rows and is not rolled yet, or that gained rows
   * since it was rolled; then prunes raw rows past retention whose hour is rolled. Runs are serialized; running
   * twice changes nothing. Yields to the event loop between chunks, so the API keeps answering during catch-up.
   */
  rollUpCompleteHours(now: number): Promise<RollupReport> {
    const run = this.last.then(() => this.run(now));
    this.last = run.catch(() => undefined);
    return run;
  }

  /** The scheduled run: like rollUpCompleteHours, but a failure is logged (null) instead of thrown into the scheduler. */
  async rollUpOnSchedule(now: number): Promise<RollupReport | null> {
    try {
      const report = await this.rollUpCompleteHours(now);
      if (report.rolled.length > 0) this.logger.log(`rolled up ${report.rolled.length} hour(s)`);
      return report;
    } catch (e) {
      this.logger.error(`rollup failed: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }

  /** Lets a running catch-up stop at the next chunk boundary (shutdown), and waits for it. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.last;
  }

  private async run(now: number): Promise<RollupReport> {
    const report: RollupReport = { rolled: [], prunedRows: 0, interrupted: false };
    if (this.stopping || !this.repo.isOpen) return { ...report, interrupted: true };
    // Scale-out: one replica rolls at a time (a PostgreSQL advisory lock); one arriving meanwhile leaves this run to
    // the holder, which reads what is pending only once it holds the lock, so no hour is rolled twice.
    const held = await this.repo.withRollupLock(async () => {
      await this.rollPending(now, report);
      return true;
    });
    if (!held || report.interrupted) return report;
    const pruned = await this.prune(now);
    report.prunedRows = pruned.rows;
    report.interrupted = pruned.interrupted;
    return report;
  }

  /**
   * Rolls every complete hour that has raw rows and is not rolled yet, or gained rows since, in batches of
   * consecutive such hours of at most BATCH_ROWS rows (one hour may exceed it alone). Sets report.interrupted if stopped.
   */
  private async rollPending(now: number, report: RollupReport): Promise<void> {
    const end = hourStart(now);
    const [raw, rolled] = await Promise.all([this.repo.rawCountsByHour(0, end), this.repo.rolledCounts(end)]);
    let batch: number[] = [];
    let rows = 0;
    const flush = async (): Promise<boolean> => {
      const hours = batch;
      batch = [];
      rows = 0;
      return hours.length === 0 || (await this.rollBatch(hours, rolled, now, report));
    };
    for (const [hour, count] of raw) {
      const before = rolled.get(hour);
      // Fewer raw rows than rolled means pruning of that hour is under way: its rollup is final. A batch spans a
      // range of hours, so it ends before any hour it must not touch.
      const final = before !== undefined && count <= before;
      if (final || (batch.length > 0 && rows + count > BATCH_ROWS)) {
        if (!(await flush())) return;
      }
      if (final) continue;
      batch.push(hour);
      rows += count;
    }
    await flush();
  }

  /**
   * Aggregates the hours in the database — one GROUP BY (hour, route, method) for counts, sums, maxima, distinct
   * users and the durations, one for the distinct users of each hour — picks the nearest-rank percentiles in JS
   * (yielding to the event loop as it goes), then replaces the hours' rollup rows and marks them rolled. False if
   * stopped (report.interrupted set).
   */
  private async rollBatch(hours: readonly number[], rolled: ReadonlyMap<number, number>, now: number, report: RollupReport): Promise<boolean> {
    const from = hours[0];
    const to = hours[hours.length - 1] + HOUR_MS;
    const wanted = new Set(hours);
    // One after the other: on SQLite's one connection, a statement that completes while another runs makes the event
    // loop wait for that one (the driver finishes it on the main thread, under the connection's mutex).
    const groups = await this.repo.hourGroups(from, to);
    const users = await this.repo.distinctUsersByHour(from, to);
    const byHour = new Map<number, HourGroup[]>();
    for (const g of groups) {
      // Only the batch's hours: rows may have just arrived for an empty hour inside the range.
      if (!wanted.has(g.hourStart)) continue;
      const list = byHour.get(g.hourStart);
      if (list) list.push(g);
      else byHour.set(g.hourStart, [g]);
    }
    const figures: HourFigures[] = [];
    const requests = new Map<number, number>();
    for (const [hour, hourGroups] of [...byHour].sort((a, b) => a[0] - b[0])) {
      if (this.stopping) return this.interrupt(report);
      const rows = await this.figuresOfHour(hourGroups, users.get(hour) ?? 0);
      for (const row of rows) figures.push({ hourStart: hour, ...row });
      requests.set(hour, rows[rows.length - 1].requests);
    }
    if (this.stopping) return this.interrupt(report);
    if (requests.size === 0) return true; // pruned meanwhile
    await this.replaceFigures(figures, requests, from, to);
    await this.repo.markHoursRolled(requests, now);
    for (const [hour, n] of requests) {
      report.rolled.push({ hourStart: new Date(hour).toISOString(), requests: n, reRolled: rolled.has(hour) });
    }
    this.hoursRolled.inc(requests.size);
    return true;
  }

  private async figuresOfHour(groups: readonly HourGroup[], uniqueUsers: number): Promise<RollupFigures[]> {
    const sorted: Float64Array[] = [];
    for (const g of groups) {
      sorted.push(sortedDurations(g.durations));
      await this.pause();
    }
    const aggregates: GroupAggregate[] = groups.map(({ hourStart: _hour, durations: _durations, ...aggregate }) => aggregate);
    const groupRanks = new Map(groups.map((g, i) => [groupKey(g.method, g.route), rollupRanks(sorted[i])]));
    return figuresFromAggregates(aggregates, groupRanks, { uniqueUsers, ranks: rollupRanks(mergeSorted(sorted)) });
  }

  private interrupt(report: RollupReport): false {
    report.interrupted = true;
    return false;
  }

  /** Yields to the event loop once the loop has been held PAUSE_EVERY_MS. */
  private async pause(): Promise<void> {
    if (performance.now() - this.heldSince < PAUSE_EVERY_MS) return;
    await yieldToEventLoop();
    this.heldSince = performance.now();
  }

  /**
   * Replaces the hours' rollup rows without a moment where they are missing: upserts (each statement atomic), then
   * the removal of rows of those hours the new set does not have (debris of an interrupted run). The hours are marked
   * rolled only afterwards, so an interruption anywhere leaves them to be rolled again. Statements, not a
   * transaction: see RequestLogWriter on why a transaction of ours must not share TypeORM's SQLite connection.
   */
  private async replaceFigures(figures: readonly HourFigures[], hours: ReadonlyMap<number, number>, from: number, to: number): Promise<void> {
    await this.repo.upsertRollups(figures);
    const key = (r: { hourStart: number; method: string; route: string }) => `${r.hourStart} ${groupKey(r.method, r.route)}`;
    const wanted = new Set(figures.map(key));
    const present = await this.repo.rollupKeysOfHours(from, to);
    await this.repo.deleteRollups(present.filter((r) => hours.has(r.hourStart) && !wanted.has(key(r))).map((r) => r.id));
  }

  /**
   * Deletes raw rows of whole hours older than the retention whose hour is rolled, PRUNE_BATCH rows per
   * statement. Whole hours only: a partly pruned hour is never mistaken for one that needs re-rolling.
   */
  private async prune(now: number): Promise<{ rows: number; interrupted: boolean }> {
    const cutoff = hourStart(now - this.config.requestLog.retentionHours * HOUR_MS);
    const [raw, rolled] = await Promise.all([this.repo.rawCountsByHour(0, cutoff), this.repo.rolledCounts(cutoff)]);
    let total = 0;
    for (const hour of raw.keys()) {
      if (!rolled.has(hour)) continue;
      for (;;) {
        if (this.stopping) return { rows: total, interrupted: true };
        const deleted = await this.repo.deleteRawOfHour(hour, PRUNE_BATCH);
        total += deleted;
        this.rowsPruned.inc(deleted);
        await yieldToEventLoop();
        if (deleted < PRUNE_BATCH) break;
      }
    }
    if (total > 0) this.logger.log(`pruned ${total} raw request rows older than ${new Date(cutoff).toISOString()}`);
    return { rows: total, interrupted: false };
  }
}
