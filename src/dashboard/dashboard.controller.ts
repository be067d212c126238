import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DashboardPagesService } from './dashboard-pages.service';

@ApiExcludeController()
@Controller()
export class DashboardController {
  constructor(private readonly pages: DashboardPagesService) {}

  @Get()
  landing(@Res() res: Response): void {
    this.pages.send(res, 'landing');
  }

  @Get('devnet')
  devnet(@Res() res: Response): void {
    this.pages.send(res, 'devnet');
  }
}
