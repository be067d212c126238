// Query parameters of the telemetry endpoints; anything out of range or not an integer → 400 VALIDATION_ERROR.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { EXECUTION_STATUSES, ExecutionStatus } from '../../executions/execution.entity';

export const MAX_PAGE_LIMIT = 500;
export const MAX_TRAFFIC_HOURS = 720;
export const MAX_RUNS_LIMIT = 100;
export const MAX_TRAFFIC_MINUTES = 180;

/** Plain decimal integers only: "20" → 20, while "2e1", "0x14", "1.5" or "" stay strings and fail IsInt. */
const IntParam = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value));

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: 20 })
  @IsOptional() @IntParam() @IsInt() @Min(1) @Max(MAX_PAGE_LIMIT)
  limit: number = 20;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional() @IntParam() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  offset: number = 0;
}

export class ExecutionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: EXECUTION_STATUSES })
  @IsOptional() @IsIn(EXECUTION_STATUSES)
  status?: ExecutionStatus;
}

/** "true" / "false" only; anything else stays a string and fails IsBoolean. */
const BoolParam = () => Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

export class RunsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_RUNS_LIMIT, default: 5 })
  @IsOptional() @IntParam() @IsInt() @Min(1) @Max(MAX_RUNS_LIMIT)
  limit: number = 5;

  @ApiPropertyOptional({ default: false, description: 'also list exec-batch dry runs (validateOnly)' })
  @IsOptional() @BoolParam() @IsBoolean()
  includeDry: boolean = false;
}

/** `hours` (hourly series) or `minutes` (per-minute series of the raw rows; it wins when both are given). */
export class TrafficQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TRAFFIC_HOURS, default: 48 })
  @IsOptional() @IntParam() @IsInt() @Min(1) @Max(MAX_TRAFFIC_HOURS)
  hours: number = 48;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TRAFFIC_MINUTES, description: 'per-minute series of the last minutes instead of hours' })
  @IsOptional() @IntParam() @IsInt() @Min(1) @Max(MAX_TRAFFIC_MINUTES)
  minutes?: number;
}
