import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiData, ApiErrors } from '../openapi/api-responses';
import { EXECUTIONS_PAGE, RUN, RUN_OPENED, RUN_RECORDED, SUMMARY, TRAFFIC_SERIES, USERS_PAGE } from '../openapi/shapes';
import { AdminGuard } from '../common/admin.guard';
import { FinishRunDto, OpenRunDto, RunParamsDto } from '../traffic/dto/run.dto';
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
  @ApiOperation({ summary: 'Recent traffic runs (load-test, devnet-load, exec-batch) with their verdict, newest first; open runs marked open; dry runs only with includeDry=true' })
  @ApiData(200, 'The runs', [RUN])
  @ApiErrors({ 400: BAD_QUERY, 503: DB_DOWN })
  recentRuns(@Query() query: RunsQueryDto) {
    return this.runs.recent(query.limit, query.includeDry);
  }

  @Post('runs')
  @HttpCode(201)
  @UseGuards(AdminGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({ summary: 'Admin: open a traffic run → { runId, runKey }; requests carrying x-run-key are its traffic' })
  @ApiData(201, 'The run is open: its id and its secret key, shown this once', RUN_OPENED)
  @ApiErrors({ 400: BAD_BODY, ...ADMIN_ERRORS, 409: 'RUN_ALREADY_EXISTS: a run with this runId exists', 413: TOO_LARGE, 503: DB_DOWN })
  openRun(@Body() body: OpenRunDto) {
    return this.runs.open(body);
  }

  @Post('runs/:runId/finish')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({ summary: "Admin: store the tool's measurements and close the run" })
  @ApiData(200, 'The run as finished', RUN_RECORDED)
  @ApiErrors({
    400: BAD_BODY,
    ...ADMIN_ERRORS,
    404: 'RUN_NOT_FOUND: no run with this runId was opened',
    409: 'RUN_ALREADY_FINISHED: the run is already finished',
    413: TOO_LARGE,
    503: DB_DOWN,
  })
  finishRun(@Param() params: RunParamsDto, @Body() body: FinishRunDto) {
    return this.runs.finish(params.runId, body);
  }

  @Get('traffic')
  @ApiOperation({ summary: 'Request series (all routes): hourly for the last `hours` hours (rollups plus unrolled hours), or per minute for the last `minutes` minutes (raw rows)' })
  @ApiData(200, 'The series, oldest first; empty slots are zeros', TRAFFIC_SERIES)
  @ApiErrors({ 400: BAD_QUERY, 503: DB_DOWN })
  traffic(@Query() query: TrafficQueryDto) {
    return query.minutes === undefined ? this.series.series(query.hours) : this.series.perMinute(query.minutes);
  }
}
