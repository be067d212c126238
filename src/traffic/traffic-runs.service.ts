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
  };
}

@Injectable()
export class TrafficRunsService {
  constructor(
    @InjectRepository(TrafficRun) private readonly runs: Repository<TrafficRun>,
    private readonly events: TelemetryEventsService,
  ) {}

  /** Newest first (by start time). */
  async recent(limit: number): Promise<TrafficRunView[]> {
    const rows = await this.runs.find({ order: { startedAt: 'DESC', id: 'DESC' }, take: limit });
    return rows.map(toRunView);
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
