// Query parameters of the telemetry endpoints; anything out of range or not an integer → 400 VALIDATION_ERROR.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { EXECUTION_STATUSES, ExecutionStatus } from '../../executions/execution.entity';

export const MAX_PAGE_LIMIT = 500;
export const MAX_TRAFFIC_HOURS = 720;
export const MAX_RUNS_LIMIT = 100;

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_LIMIT)
  limit: number = 20;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  offset: number = 0;
}

export class ExecutionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: EXECUTION_STATUSES })
  @IsOptional() @IsIn(EXECUTION_STATUSES)
  status?: ExecutionStatus;
}

export class RunsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_RUNS_LIMIT, default: 5 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_RUNS_LIMIT)
  limit: number = 5;
}

export class TrafficQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TRAFFIC_HOURS, default: 48 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_TRAFFIC_HOURS)
  hours: number = 48;
}
