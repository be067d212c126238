// Bodies of POST /api/telemetry/runs (a tool opens its run) and POST /api/telemetry/runs/:runId/finish (it stores what
// it measured and closes the run).
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { TRAFFIC_RUN_KINDS, TrafficRunKind } from '../traffic-run.entity';

/** ISO-8601 string or epoch ms → epoch ms; anything else stays as is so IsInt rejects it. */
const toEpochMs = ({ value }: { value: unknown }) => {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : ms;
  }
  return value;
};

const EPOCH_MS_MAX = Date.UTC(9999, 0, 1);
const RUN_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
const IsRunId = () => applyDecorators(IsString(), Matches(RUN_ID_PATTERN, { message: 'runId must match [A-Za-z0-9._:-]{1,64}' }));

/** Path of POST /api/telemetry/runs/:runId/finish. */
export class RunParamsDto {
  @ApiProperty({ pattern: RUN_ID_PATTERN.source })
  @IsRunId()
  runId: string;
}

export class OpenRunDto {
  @ApiPropertyOptional({ example: 'devnet-load-1767225600000', pattern: RUN_ID_PATTERN.source, description: 'Generated when absent' })
  @IsOptional() @IsRunId()
  runId?: string;

  @ApiProperty({ enum: TRAFFIC_RUN_KINDS })
  @IsIn(TRAFFIC_RUN_KINDS)
  kind: TrafficRunKind;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The options the run was started with' })
  @IsOptional() @IsObject()
  params?: Record<string, unknown>;
}

export class FinishRunDto {
  @ApiPropertyOptional({ description: 'ISO-8601 or epoch ms, not before the start; default: now' })
  @IsOptional() @Transform(toEpochMs) @IsInt({ message: 'endedAt must be an ISO-8601 time or epoch milliseconds' }) @Min(0) @Max(EPOCH_MS_MAX)
  endedAt?: number;

  @ApiProperty() @IsInt() @Min(0) @Max(2 ** 31 - 1)
  requests: number;

  @ApiProperty({ minimum: 0, maximum: 100 }) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(100)
  okPct: number;

  @ApiProperty() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0)
  p50Ms: number;

  @ApiProperty() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0)
  p95Ms: number;

  @ApiProperty() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0)
  p99Ms: number;

  @ApiProperty() @IsInt() @Min(0) @Max(2 ** 31 - 1)
  http5xx: number;

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(64)
  topError?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "The tool's full summary (per-endpoint table, errors, verdict)" })
  @IsOptional() @IsObject()
  summary?: Record<string, unknown>;
}
