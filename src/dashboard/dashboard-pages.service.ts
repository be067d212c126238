// The two dashboard pages, read once at start-up and answered from memory.
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPublicDir, setDashboardHeaders } from './dashboard.static';

export const DASHBOARD_PAGES = { landing: 'index.html', devnet: 'devnet.html' } as const;
export type DashboardPage = keyof typeof DASHBOARD_PAGES;

@Injectable()
export class DashboardPagesService implements OnModuleInit {
  private readonly pages = new Map<DashboardPage, Buffer>();

  onModuleInit(): void {
    const dir = findPublicDir();
    for (const [page, file] of Object.entries(DASHBOARD_PAGES) as [DashboardPage, string][]) {
      this.pages.set(page, readFileSync(join(dir, file)));
    }
  }

  send(res: Response, page: DashboardPage): void {
    setDashboardHeaders(res, DASHBOARD_PAGES[page]);
    res.type('html').send(this.pages.get(page));
  }
}
