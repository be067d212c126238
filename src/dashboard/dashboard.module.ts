// The landing page (`/`) and the devnet dashboard (`/devnet`); their assets are served at /assets/ (app.factory.ts).
import { Module } from '@nestjs/common';
import { DashboardPagesService } from './dashboard-pages.service';
import { DashboardController } from './dashboard.controller';

@Module({
  controllers: [DashboardController],
  providers: [DashboardPagesService],
})
export class DashboardModule {}
