import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Execution } from '../executions/execution.entity';
import { TokenTotal } from '../executions/token-total.entity';
import { RequestLog } from '../request-log/request-log.entity';
import { TrafficRun } from '../telemetry/traffic-run.entity';
import { User } from '../users/user.entity';
import { RunReportService } from './run-report.service';

/** Read-only figures for the operator's run report (booted by tools/report through createApplicationContext). */
@Module({
  imports: [TypeOrmModule.forFeature([TrafficRun, RequestLog, Execution, TokenTotal, User])],
  providers: [RunReportService],
  exports: [RunReportService],
})
export class ReportsModule {}
