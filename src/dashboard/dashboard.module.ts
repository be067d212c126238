// Serves the landing page (`/`), the devnet dashboard (`/devnet`) and their assets from public/.
import { Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { dashboardStaticOptions } from './dashboard.static';

@Module({
  imports: [ServeStaticModule.forRoot(dashboardStaticOptions())],
})
export class DashboardModule {}
