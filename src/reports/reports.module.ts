import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { TrafficModule } from '../traffic/traffic.module';
import { UsersModule } from '../users/users.module';
import { RunReportService } from './run-report.service';

/** The operator's run report (booted by tools/report through createApplicationContext): a view over the owners' methods. */
@Module({
  imports: [TrafficModule, ExecutionsModule, UsersModule],
  providers: [RunReportService],
  exports: [RunReportService],
})
export class ReportsModule {}
