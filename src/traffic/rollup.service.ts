// Hourly rollups of request_log into metrics_rollup, with catch-up, late-row re-rolls and retention pruning.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Counter } from 'prom-client';
import { AppConfig, appConfig } from '../config/app.config';
import { PrometheusService } from '../metrics/prometheus.service';
import { figuresFromAggregates, GroupAggregate, groupKey, mergeSorted, pendingBatches, RollupFigures, rollupRanks, sortedDurations } from './rollup-math';
import { HourFigures, HourGroup, TrafficRepository } from './traffic.repository';
import { HOUR_MS, hourStart } from './time';

/** Rows per DELETE while pruning: keeps each statement short so request-log flushes and requests interleave. */
export const PRUNE_BATCH = 5_000;
/**
 * Raw rows aggregated per batch of hours (~7 hours of a month of 1,000,000 requests). Statements stay short (~10 ms):
 * while one runs on SQLite's one connection, any other statement that completes meanwhile (a request's query, a
 * request-log flush, the /health ping) holds the event loop until it ends, since the driver finalizes it on the main
 * thread under the connection's mutex. Smaller batches cost no more database work, only more statements.
 */
export const BATCH_ROWS = 10_000;
/** The loop is handed back at least this often while percentiles are picked. */
const PAUSE_EVERY_MS = 10;

/** A batch's rollup rows, the raw row count of each of its hours that has rows, and its range [from, to). */
interface BatchFigures {
  figures: HourFigures[];
  requests: Map<number, number>;
  from: number;
  to: number;
}

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
  /** The end of the last statement of ours queued: see inLane. */
  private lane: Promise<void> = Promise.resolve();
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
   *
   * Pipelined over the database lane (one statement of ours at a time): while the percentiles of a batch are picked
   * in JS, the database already reads its distinct users and the next batch's groups; the batch's writes follow:
   * groups 1, users 1, groups 2, writes 1, users 2, groups 3, writes 2, …
   */
  private async rollPending(now: number, report: RollupReport): Promise<void> {
    const end = hourStart(now);
    const { raw, rolled } = await this.countsBefore(end);
    const batches = pendingBatches(raw, rolled, BATCH_ROWS);
    if (batches.length === 0) return;
    let groups = this.inLane(() => this.repo.hourGroups(...rangeOf(batches[0])));
    let users = this.inLane(() => this.repo.distinctUsersByHour(...rangeOf(batches[0])));
    try {
      for (let i = 0; i < batches.length; i++) {
        const hours = batches[i];
        const read = { groups: await groups, users };
        const next = batches[i + 1];
        if (next) groups = this.inLane(() => this.repo.hourGroups(...rangeOf(next)));
        const figures = await this.figuresOfBatch(hours, read);
        if (!figures) {
          report.interrupted = true;
          return;
        }
        const written = figures.requests.size > 0 ? this.inLane(() => this.writeBatch(figures, now)) : undefined;
        if (next) users = this.inLane(() => this.repo.distinctUsersByHour(...rangeOf(next)));
        if (!written) continue; // pruned meanwhile
        await written;
        for (const [hour, n] of figures.requests) {
          report.rolled.push({ hourStart: new Date(hour).toISOString(), requests: n, reRolled: rolled.has(hour) });
        }
        this.hoursRolled.inc(figures.requests.size);
      }
    } finally {
      // Reads queued for a batch that will not be rolled (stopped, or a statement failed) finish unobserved.
      await this.lane;
    }
  }

  /**
   * Raw and rolled row counts of the hours before `end`, one statement after the other: the raw count reads a month
   * of the ts index, and a statement completing meanwhile would hold the event loop until it ends.
   */
  private async countsBefore(end: number): Promise<{ raw: Map<number, number>; rolled: Map<number, number> }> {
    const rolled = await this.repo.rolledCounts(end);
    return { raw: await this.repo.rawCountsByHour(0, end), rolled };
  }

  /** Runs fn after every statement queued in the lane before it; a rejection stays with the returned promise. */
  private inLane<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.lane.then(fn);
    this.lane = result.then(noop, noop);
    // Handled here so a read abandoned by an interrupted run is no unhandled rejection; awaiting it still throws.
    result.catch(noop);
    return result;
  }

  /**
   * The rollup rows of a batch's hours from the database's groups (only the batch's hours: rows may have just arrived
   * for an empty hour inside the range) and distinct users, picking the nearest-rank percentiles in JS while yielding
   * to the event loop. Null if stopped.
   */
  private async figuresOfBatch(hours: readonly number[], read: { groups: HourGroup[]; users: Promise<Map<number, number>> }): Promise<BatchFigures | null> {
    const wanted = new Set(hours);
    const byHour = new Map<number, HourGroup[]>();
    for (const g of read.groups) {
      if (!wanted.has(g.hourStart)) continue;
      const list = byHour.get(g.hourStart);
      if (list) list.push(g);
      else byHour.set(g.hourStart, [g]);
    }
    const picked: { hour: number; groups: HourGroup[]; sorted: Float64Array[] }[] = [];
    for (const [hour, hourGroups] of [...byHour].sort((a, b) => a[0] - b[0])) {
      if (this.stopping) return null;
      picked.push({ hour, groups: hourGroups, sorted: await this.sortedOfGroups(hourGroups) });
    }
    const users = await read.users;
    if (this.stopping) return null;
    const figures: HourFigures[] = [];
    const requests = new Map<number, number>();
    for (const { hour, groups, sorted } of picked) {
      const rows = figuresOfHour(groups, sorted, users.get(hour) ?? 0);
      for (const row of rows) figures.push({ hourStart: hour, ...row });
      requests.set(hour, rows[rows.length - 1].requests);
      await this.pause();
    }
    return { figures, requests, from: hours[0], to: hours[hours.length - 1] + HOUR_MS };
  }

  /** Replaces the batch's rollup rows, then marks its hours rolled. */
  private async writeBatch({ figures, requests, from, to }: BatchFigures, now: number): Promise<void> {
    await this.replaceFigures(figures, requests, from, to);
    await this.repo.markHoursRolled(requests, now);
  }

  private async sortedOfGroups(groups: readonly HourGroup[]): Promise<Float64Array[]> {
    const sorted: Float64Array[] = [];
    for (const g of groups) {
      sorted.push(sortedDurations(g.durations));
      await this.pause();
    }
    return sorted;
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
    const { raw, rolled } = await this.countsBefore(cutoff);
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

function noop(): void {}

/** The range [from, to) that a batch of ascending hours spans. */
function rangeOf(hours: readonly number[]): [number, number] {
  return [hours[0], hours[hours.length - 1] + HOUR_MS];
}

/** One hour's rollup rows from its groups, their durations sorted ascending, and its distinct users. */
function figuresOfHour(groups: readonly HourGroup[], sorted: readonly Float64Array[], uniqueUsers: number): RollupFigures[] {
  const aggregates: GroupAggregate[] = groups.map(({ hourStart: _hour, durations: _durations, ...aggregate }) => aggregate);
  const groupRanks = new Map(groups.map((g, i) => [groupKey(g.method, g.route), rollupRanks(sorted[i])]));
  return figuresFromAggregates(aggregates, groupRanks, { uniqueUsers, ranks: rollupRanks(mergeSorted(sorted)) });
}
