import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../common/admin.guard';
import { CreateRunDto } from '../traffic/dto/create-run.dto';
import { ExecutionsQueryDto, PageQueryDto, RunsQueryDto, TrafficQueryDto } from './dto/telemetry-queries.dto';
import { TelemetryService } from './telemetry.service';
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
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Admin: users, sessions, executions, requests, top error codes, request-log health' })
  summary() {
    return this.telemetry.summary();
  }

  @Get('users')
  @UseGuards(AdminGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Admin: users (hash, first/last seen, current session status, execution count), newest activity first' })
  users(@Query() query: PageQueryDto) {
    return this.telemetry.users(query.limit, query.offset);
  }

  @Get('executions')
  @UseGuards(AdminGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Admin: executions, newest first, optionally filtered by status' })
  executions(@Query() query: ExecutionsQueryDto) {
    return this.telemetry.executions(query.limit, query.offset, query.status);
  }

  @Get('runs')
  @ApiOperation({ summary: 'Recent traffic runs (load-test, devnet-load, exec-batch), newest first' })
  recentRuns(@Query() query: RunsQueryDto) {
    return this.runs.recent(query.limit);
  }

  @Post('runs')
  @HttpCode(201)
  @UseGuards(AdminGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Admin: record a traffic run; 409 RUN_ALREADY_EXISTS for a known runId' })
  recordRun(@Body() body: CreateRunDto) {
    return this.runs.record(body);
  }

  @Get('traffic')
  @ApiOperation({ summary: 'Hourly request series (all routes) for the last `hours` hours, from rollups plus unrolled hours' })
  traffic(@Query() query: TrafficQueryDto) {
    return this.series.series(query.hours);
  }
}
