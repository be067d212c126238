// Hourly rollups of request_log into metrics_rollup, with catch-up, late-row re-rolls and retention pruning.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Counter } from 'prom-client';
import { AppConfig, appConfig } from '../config/app.config';
import { PrometheusService } from '../metrics/prometheus.service';
import { DurationsByRank, figuresFromAggregates, groupKey, RollupFigures } from './rollup-math';
import { TrafficRepository } from './traffic.repository';
import { HOUR_MS, hourStart } from './time';

/** Rows per DELETE while pruning: keeps each statement short so request-log flushes and requests interleave. */
export const PRUNE_BATCH = 5_000;

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
    const end = hourStart(now);
    const [raw, rolled] = await Promise.all([this.repo.rawCountsByHour(0, end), this.repo.rolledCounts(end)]);
    for (const [hour, count] of raw) {
      const before = rolled.get(hour);
      // Fewer raw rows than rolled means pruning of that hour is under way: its rollup is final.
      if (before !== undefined && count <= before) continue;
      if (this.stopping) return { ...report, interrupted: true };
      const requests = await this.rollHourOnce(hour, now);
      if (requests === null) return { ...report, interrupted: true };
      if (requests === undefined || requests === 0) continue; // another replica has it, or it was pruned meanwhile
      report.rolled.push({ hourStart: new Date(hour).toISOString(), requests, reRolled: before !== undefined });
      this.hoursRolled.inc();
      await yieldToEventLoop();
    }
    const pruned = await this.prune(now);
    report.prunedRows = pruned.rows;
    report.interrupted = pruned.interrupted;
    return report;
  }

  /**
   * Scale-out: on PostgreSQL several replicas may roll the same hour. Under a per-hour advisory lock (undefined when
   * another replica holds it), the hour is re-checked, because the previous holder may have just rolled it: 0 then.
   */
  private rollHourOnce(hour: number, now: number): Promise<number | null | undefined> {
    return this.repo.withHourLock(hour, async () => {
      const [raw, rolled] = await Promise.all([this.repo.rawCountOfHour(hour), this.repo.rolledCountOfHour(hour)]);
      if (rolled !== undefined && raw <= rolled) return 0;
      return this.rollHour(hour, now);
    });
  }

  /**
   * Aggregates the hour in the database — counts, sums, maxima, distinct users, and only the nearest-rank durations
   * — so no raw row is materialised in JS and the event loop stays free; then replaces the hour's rollup rows and
   * marks it rolled. Null if stopped.
   */
  private async rollHour(hour: number, now: number): Promise<number | null> {
    const groups = await this.repo.hourGroups(hour);
    if (this.stopping) return null;
    if (groups.length === 0) return 0;
    const groupRows = await this.repo.rankedDurations(hour, true);
    const [allRows, uniqueUsers] = await Promise.all([this.repo.rankedDurations(hour, false), this.repo.distinctUsersOfHour(hour)]);
    const groupRanks = new Map<string, Map<number, number>>();
    for (const r of groupRows) {
      const key = groupKey(r.method!, r.route!);
      const ranks = groupRanks.get(key) ?? new Map<number, number>();
      ranks.set(r.rank, r.durationMs);
      groupRanks.set(key, ranks);
    }
    const allRanks: DurationsByRank = new Map(allRows.map((r) => [r.rank, r.durationMs]));
    const figures = figuresFromAggregates(groups, groupRanks, { uniqueUsers, ranks: allRanks });
    const requests = figures[figures.length - 1].requests;
    if (this.stopping) return null;
    await this.replaceFigures(hour, figures);
    await this.repo.markHourRolled(hour, requests, now);
    return requests;
  }

  /**
   * Replaces the hour's rollup rows without a moment where they are missing: one upsert (atomic per statement), then
   * the removal of rows of that hour the new set does not have (debris of an interrupted run). The hour is marked
   * rolled only afterwards, so an interruption anywhere leaves it to be rolled again. Statements, not a transaction:
   * see RequestLogWriter on why a transaction of ours must not share TypeORM's SQLite connection.
   */
  private async replaceFigures(hour: number, figures: RollupFigures[]): Promise<void> {
    await this.repo.upsertRollups(hour, figures);
    const wanted = new Set(figures.map((f) => groupKey(f.method, f.route)));
    const present = await this.repo.rollupKeysOfHour(hour);
    await this.repo.deleteRollups(present.filter((r) => !wanted.has(groupKey(r.method, r.route))).map((r) => r.id));
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
