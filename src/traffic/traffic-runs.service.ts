// Traffic runs: what each load-test / devnet-load / exec-batch run measured, recorded by the tool at its end.
import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { apiError, ErrorCode } from '../common/error-codes';
import { dialectOf } from '../database/dialect';
import { TelemetryEventsService } from '../telemetry-events/telemetry-events.service';
import { CreateRunDto } from './dto/create-run.dto';
import { TrafficRun } from './traffic-run.entity';

export interface TrafficRunView {
  runId: string;
  kind: string;
  params: Record<string, unknown>;
  startedAt: string;
  endedAt: string;
  requests: number;
  okPct: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  http5xx: number;
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

export function toRunView(run: TrafficRun): TrafficRunView {
  return {
    runId: run.runId,
    kind: run.kind,
    params: run.params,
    startedAt: new Date(run.startedAt).toISOString(),
    endedAt: new Date(run.endedAt).toISOString(),
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
    private readonly events: TelemetryEventsService,
  ) {}

  /** Newest first (by start time); dry runs only with `includeDry` (they prove the plumbing, not the devnet's traffic). */
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

  async record(dto: CreateRunDto): Promise<TrafficRunView & { summary: Record<string, unknown> }> {
    if (dto.endedAt < dto.startedAt) {
      throw new BadRequestException(apiError(ErrorCode.VALIDATION_ERROR, 'endedAt must not be before startedAt'));
    }
    const run = this.runs.create({ ...dto, topError: dto.topError ?? null });
    try {
      await this.runs.save(run, { reload: false, transaction: false });
    } catch (e) {
      if (dialectOf(this.runs.manager).isUniqueViolation(e)) {
        throw new ConflictException(apiError(ErrorCode.RUN_ALREADY_EXISTS, `Run ${dto.runId} is already recorded`));
      }
      throw e;
    }
    this.events.emit('run.recorded', { runId: run.runId, kind: run.kind, requests: run.requests, okPct: run.okPct, http5xx: run.http5xx });
    return { ...toRunView(run), summary: run.summary };
  }
}
