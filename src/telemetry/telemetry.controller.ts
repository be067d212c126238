import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiData, ApiErrors } from '../openapi/api-responses';
import { EXECUTIONS_PAGE, RUN, RUN_RECORDED, SUMMARY, TRAFFIC_SERIES, USERS_PAGE } from '../openapi/shapes';
import { AdminGuard } from '../common/admin.guard';
import { CreateRunDto } from '../traffic/dto/create-run.dto';
import { ExecutionsQueryDto, PageQueryDto, RunsQueryDto, TrafficQueryDto } from './dto/telemetry-queries.dto';
import { TelemetryService } from './telemetry.service';
import { ADMIN_ERRORS, BAD_BODY, BAD_QUERY, DB_DOWN, TOO_LARGE } from '../openapi/error-descriptions';
import { TrafficRunsService } from '../traffic/traffic-runs.service';
import { TrafficSeriesService } from '../traffic/traffic-series.service';

@ApiTags('telemetry')
@Controller('api/telemetry')
export class TelemetryController {
  constructor(
    private readonly telemetry: TelemetryService,
    private readonly runs: TrafficRunsService,
    private readonly series: TrafficSeriesService,
  ) {}

  @Get('summary')
  @UseGuards(AdminGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({ summary: 'Admin: users, sessions, executions, requests, top error codes, request-log health' })
  @ApiData(200, 'The service at a glance', SUMMARY)
  @ApiErrors({ ...ADMIN_ERRORS, 503: DB_DOWN })
  summary() {
    return this.telemetry.summary();
  }

  @Get('users')
  @UseGuards(AdminGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({ summary: 'Admin: users (hash, first/last seen, current session status, execution count), newest activity first' })
  @ApiData(200, 'One page of users', USERS_PAGE)
  @ApiErrors({ 400: BAD_QUERY, ...ADMIN_ERRORS, 503: DB_DOWN })
  users(@Query() query: PageQueryDto) {
    return this.telemetry.users(query.limit, query.offset);
  }

  @Get('executions')
  @UseGuards(AdminGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({ summary: 'Admin: executions, newest first, optionally filtered by status' })
  @ApiData(200, 'One page of executions (amounts as exact integer strings)', EXECUTIONS_PAGE)
  @ApiErrors({ 400: BAD_QUERY, ...ADMIN_ERRORS, 503: DB_DOWN })
  executions(@Query() query: ExecutionsQueryDto) {
    return this.telemetry.executions(query.limit, query.offset, query.status);
  }

  @Get('runs')
  @ApiOperation({ summary: 'Recent traffic runs (load-test, devnet-load, exec-batch) with their verdict, newest first; dry runs only with includeDry=true' })
  @ApiData(200, 'The runs', [RUN])
  @ApiErrors({ 400: BAD_QUERY, 503: DB_DOWN })
  recentRuns(@Query() query: RunsQueryDto) {
    return this.runs.recent(query.limit, query.includeDry);
  }

  @Post('runs')
  @HttpCode(201)
  @UseGuards(AdminGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({ summary: 'Admin: record a traffic run; 409 RUN_ALREADY_EXISTS for a known runId' })
  @ApiData(201, 'The run as recorded', RUN_RECORDED)
  @ApiErrors({ 400: BAD_BODY, ...ADMIN_ERRORS, 409: 'RUN_ALREADY_EXISTS: a run with this runId is recorded', 413: TOO_LARGE, 503: DB_DOWN })
  recordRun(@Body() body: CreateRunDto) {
    return this.runs.record(body);
  }

  @Get('traffic')
  @ApiOperation({ summary: 'Request series (all routes): hourly for the last `hours` hours (rollups plus unrolled hours), or per minute for the last `minutes` minutes (raw rows)' })
  @ApiData(200, 'The series, oldest first; empty slots are zeros', TRAFFIC_SERIES)
  @ApiErrors({ 400: BAD_QUERY, 503: DB_DOWN })
  traffic(@Query() query: TrafficQueryDto) {
    return query.minutes === undefined ? this.series.series(query.hours) : this.series.perMinute(query.minutes);
  }
}
