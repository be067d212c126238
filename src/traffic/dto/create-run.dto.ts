// Body of POST /api/telemetry/runs: what a load tool measured on its side.
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

export class CreateRunDto {
  @ApiProperty({ example: 'devnet-load-20260101T000000Z', pattern: '^[A-Za-z0-9._:-]{1,64}$' })
  @IsString() @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'runId must match [A-Za-z0-9._:-]{1,64}' })
  runId: string;

  @ApiProperty({ enum: TRAFFIC_RUN_KINDS })
  @IsIn(TRAFFIC_RUN_KINDS)
  kind: TrafficRunKind;

  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  params: Record<string, unknown>;

  @ApiProperty({ description: 'ISO-8601 or epoch ms' })
  @Transform(toEpochMs) @IsInt({ message: 'startedAt must be an ISO-8601 time or epoch milliseconds' }) @Min(0) @Max(EPOCH_MS_MAX)
  startedAt: number;

  @ApiProperty({ description: 'ISO-8601 or epoch ms; not before startedAt' })
  @Transform(toEpochMs) @IsInt({ message: 'endedAt must be an ISO-8601 time or epoch milliseconds' }) @Min(0) @Max(EPOCH_MS_MAX)
  endedAt: number;

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

  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  summary: Record<string, unknown>;
}
