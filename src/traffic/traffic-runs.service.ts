// Traffic runs: opened by a load-test / devnet-load / exec-batch tool before its first request (it gets the run's
// secret key), finished after its last with what the tool measured on its side.
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { apiException, ErrorCode } from '../common/error-codes';
import { newSecretKey, secretKeyHash } from '../common/secret-key';
import { dialectOf } from '../database/dialect';
import { TelemetryEventsService } from '../telemetry-events/telemetry-events.service';
import { FinishRunDto, OpenRunDto } from './dto/run.dto';
import { RunKeys } from './run-keys';
import { TrafficRun } from './traffic-run.entity';

export interface TrafficRunView {
  runId: string;
  kind: string;
  params: Record<string, unknown>;
  /** True until the tool finishes the run; its measured figures (requests … topError) are null until then. */
  open: boolean;
  startedAt: string;
  endedAt: string | null;
  requests: number | null;
  okPct: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  http5xx: number | null;
  topError: string | null;
  /** The tool's own pass/fail against the limits it ran with (summary.verdict.passed); null when it judged nothing. */
  verdict: 'pass' | 'fail' | null;
  /** An exec-batch `--dry-run` (validateOnly): listed only when asked for. */
  dryRun: boolean;
}

export function isDryRun(run: Pick<TrafficRun, 'params'>): boolean {
  return run.params?.dryRun === true;
}

function verdictOf(run: Pick<TrafficRun, 'summary'>): TrafficRunView['verdict'] {
  const passed = (run.summary?.verdict as { passed?: unknown } | undefined)?.passed;
  return typeof passed === 'boolean' ? (passed ? 'pass' : 'fail') : null;
}

export interface OpenedRun {
  runId: string;
  /** The run's secret (0x + 64 hex): shown once, stored only as its SHA-256, never listed. */
  runKey: string;
}

export function toRunView(run: TrafficRun): TrafficRunView {
  return {
    runId: run.runId,
    kind: run.kind,
    params: run.params,
    open: run.endedAt === null,
    startedAt: new Date(run.startedAt).toISOString(),
    endedAt: run.endedAt === null ? null : new Date(run.endedAt).toISOString(),
    requests: run.requests,
    okPct: run.okPct,
    p50Ms: run.p50Ms,
    p95Ms: run.p95Ms,
    p99Ms: run.p99Ms,
    http5xx: run.http5xx,
    topError: run.topError,
    verdict: verdictOf(run),
    dryRun: isDryRun(run),
  };
}

@Injectable()
export class TrafficRunsService {
  constructor(
    @InjectRepository(TrafficRun) private readonly runs: Repository<TrafficRun>,
    private readonly runKeys: RunKeys,
    private readonly events: TelemetryEventsService,
  ) {}

  /** Newest first (by start time), open runs included; dry runs only with `includeDry` (they prove the plumbing, not the devnet's traffic). */
  async recent(limit: number, includeDry = false): Promise<TrafficRunView[]> {
    const shown: TrafficRun[] = [];
    // params is JSON text on both databases: dry runs are skipped here, reading pages until enough remain.
    const page = includeDry ? limit : Math.max(4 * limit, 20);
    for (let skip = 0; shown.length < limit; skip += page) {
      const rows = await this.runs.find({ order: { startedAt: 'DESC', id: 'DESC' }, skip, take: page });
      shown.push(...(includeDry ? rows : rows.filter((r) => !isDryRun(r))));
      if (rows.length < page) break;
    }
    return shown.slice(0, limit).map(toRunView);
  }

  findByRunId(runId: string): Promise<TrafficRun | null> {
    return this.runs.findOneBy({ runId });
  }

  /** 409 RUN_ALREADY_EXISTS when the id is taken; the id is generated when absent. */
  async open(dto: OpenRunDto, now = Date.now()): Promise<OpenedRun> {
    const runId = dto.runId ?? `${dto.kind}-${now}-${randomBytes(3).toString('hex')}`;
    const runKey = newSecretKey();
    const keyHash = secretKeyHash(runKey);
    try {
      await this.runs.save(this.runs.create({
        runId, keyHash, kind: dto.kind, params: dto.params ?? {}, startedAt: now, endedAt: null,
        requests: null, okPct: null, p50Ms: null, p95Ms: null, p99Ms: null, http5xx: null, topError: null, summary: null,
      }), { reload: false, transaction: false });
    } catch (e) {
      if (dialectOf(this.runs.manager).isUniqueViolation(e)) {
        throw apiException(HttpStatus.CONFLICT, ErrorCode.RUN_ALREADY_EXISTS, `Run ${runId} already exists`);
      }
      throw e;
    }
    this.runKeys.rememberOpen(keyHash, runId);
    this.events.emit('run.opened', { runId, kind: dto.kind });
    return { runId, runKey };
  }

  /** Stores the tool's measurements and closes the run: 404 RUN_NOT_FOUND, 409 RUN_ALREADY_FINISHED. */
  async finish(runId: string, dto: FinishRunDto, now = Date.now()): Promise<TrafficRunView> {
    const run = await this.runs.findOneBy({ runId });
    if (!run) throw apiException(HttpStatus.NOT_FOUND, ErrorCode.RUN_NOT_FOUND, `No run ${runId}`);
    const endedAt = dto.endedAt ?? now;
    if (run.endedAt === null && endedAt < run.startedAt) {
      throw apiException(HttpStatus.BAD_REQUEST, ErrorCode.VALIDATION_ERROR, 'endedAt must not be before the run started');
    }
    const figures: Partial<TrafficRun> = {
      endedAt, requests: dto.requests, okPct: dto.okPct, p50Ms: dto.p50Ms, p95Ms: dto.p95Ms, p99Ms: dto.p99Ms,
      http5xx: dto.http5xx, topError: dto.topError ?? null, summary: dto.summary ?? {},
    };
    // Conditional on still being open, so two concurrent finishes cannot both win.
    const { affected } = await this.runs.update({ id: run.id, endedAt: IsNull() }, figures as QueryDeepPartialEntity<TrafficRun>);
    if (affected !== 1) throw apiException(HttpStatus.CONFLICT, ErrorCode.RUN_ALREADY_FINISHED, `Run ${runId} is already finished`);
    if (run.keyHash) this.runKeys.forget(run.keyHash);
    this.events.emit('run.recorded', { runId, kind: run.kind, requests: dto.requests, okPct: dto.okPct, http5xx: dto.http5xx });
    return toRunView({ ...run, ...figures });
  }
}
