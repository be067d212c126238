// The landing page and the devnet dashboard in a real browser (Debian's Chromium via playwright-core) against the
// real app: the figures shown are the API's, execution metrics follow the API's display decision, the page keeps
// itself fresh without reloading, API text never becomes markup, and a stopped server is said so on the page.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, Page, Response } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Execution } from '../src/executions/execution.entity';
import { ExecutionsService } from '../src/executions/executions.service';
import { RequestLog } from '../src/traffic/request-log.entity';
import { TrafficRun } from '../src/traffic/traffic-run.entity';
import { User } from '../src/users/user.entity';
import { bootTestApp, tempDbPath, TestApp } from './support/app';
import { dashboardFormat as F, launchBrowser, openProbedPage, PageProbe } from './support/browser';

const REPORTS_DIR = join(__dirname, '..', 'reports');
const HOUR = 3_600_000;
const XSS_RUN_ID = '<img src=x onerror=alert(1)>';
const XSS_TOP_ERROR = '<script>alert(2)</script>';
const DRY_RUN_ID = 'exec-batch-dry';
/** What a configuration variable name looks like (SHOW_EXECUTION_METRICS, TELEMETRY_DB_PATH…). */
const ENV_NAME = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/;

interface DevnetStats {
  traffic: {
    requestsAllTime: number;
    requestsLast24h: number;
    successRate24h: number | null;
    http5xx24h: number;
    visitorsLast24h: number;
    requestsFromLoadRunsAllTime?: number;
    recentRuns: Array<{ runId: string; kind: string; requests: number; okPct: number; p95Ms: number; http5xx: number; verdict: 'pass' | 'fail' | null }>;
  };
  users: { allTime: number; last24h: number; fromLoadRuns?: { allTime: number; last24h: number } };
  transactions: { successCount: number; failCount: number; pendingCount: number };
  amountExecuted: { byToken: Array<{ token: string; decimals: number; totalUnits: string }> };
  feesCollected: { byToken: Array<{ token: string; decimals: number; totalFeeUnits: string; last24hFeeUnits: string }>; feeBps: number };
  display: { executionMetricsVisible: boolean; reason: string };
}

// ---- seeding through the repositories ------------------------------------------------------------------------

function hash(): string {
  return randomBytes(32).toString('hex');
}

async function seedUsers(ds: DataSource, now: number): Promise<User[]> {
  const rows = [3 * 24 * HOUR, 50 * HOUR, 30 * HOUR, 2 * HOUR, HOUR / 2].map((ago) => ({
    addressHash: hash(),
    firstSeenAt: now - ago,
    lastSeenAt: now - ago,
    source: 'siwe',
    notes: null,
  }));
  return ds.getRepository(User).save(rows);
}

/** The minute 20 minutes before seeding, where seedRequestLog puts 30 requests of known durations. */
let seededMinute = 0;

/** Requests in past hours (some older than 24 h, some 5xx), so every traffic figure differs from the others. */
async function seedRequestLog(ds: DataSource, now: number): Promise<void> {
  const rows: Partial<RequestLog>[] = [];
  const add = (ago: number, n: number, status: number) => {
    for (let i = 0; i < n; i++) {
      rows.push({ ts: now - ago + i, method: 'GET', route: '/health', status, durationMs: 2 + (i % 7), userHash: null, runId: 'seed-run', correlationId: null, errorCode: status >= 500 ? 'DATABASE_UNAVAILABLE' : null });
    }
  };
  add(30 * HOUR, 40, 200);
  add(5 * HOUR, 25, 200);
  add(5 * HOUR - 60_000, 3, 503);
  add(2 * HOUR, 17, 404);
  // The last hour, per minute: two minutes with traffic and a spread of durations, so each has its own p95.
  seededMinute = now - (now % 60_000) - 20 * 60_000;
  for (const [minute, n] of [[seededMinute, 30], [seededMinute + 13 * 60_000, 12]]) {
    for (let i = 0; i < n; i++) {
      rows.push({ ts: minute + i, method: 'GET', route: '/health', status: i === 0 ? 500 : 200, durationMs: 1 + i * 3, userHash: null, runId: null, correlationId: null, errorCode: null });
    }
  }
  await ds.getRepository(RequestLog).insert(rows);
}

async function seedRuns(ds: DataSource, now: number): Promise<void> {
  const base = { params: { users: 50 }, summary: { endpoints: [] }, p50Ms: 4.2, p99Ms: 61.5 };
  await ds.getRepository(TrafficRun).insert([
    { ...base, summary: { verdict: { passed: true } }, runId: 'devnet-load-seeded', kind: 'devnet-load', startedAt: now - 3 * HOUR, endedAt: now - 3 * HOUR + 60_000, requests: 18_234, okPct: 99.95, p95Ms: 41.37, http5xx: 0, topError: null },
    { ...base, summary: { verdict: { passed: false } }, runId: XSS_RUN_ID, kind: 'load-test', startedAt: now - HOUR, endedAt: now - HOUR + 10_000, requests: 1_200, okPct: 100, p95Ms: 12, http5xx: 1, topError: XSS_TOP_ERROR },
    // Newest of all, but a dry run: neither the public list nor the pages show it.
    { ...base, params: { n: 5, dryRun: true }, runId: DRY_RUN_ID, kind: 'exec-batch', startedAt: now - 60_000, endedAt: now - 50_000, requests: 10, okPct: 100, p95Ms: 3, http5xx: 0, topError: null },
  ]);
}

/**
 * Confirmed executions with volume, through the one real door: rows stored as `submitted` (what prepare + submit
 * leave), then confirmed by ExecutionsService.confirmFromReceipt, which applies the fee and updates token_totals.
 * Returns the amounts, so a test can state the exact total it expects.
 */
async function seedConfirmedExecutions(t: TestApp, user: User, n: number, now: number): Promise<bigint[]> {
  const amounts = Array.from({ length: n }, (_, i) => 12_345_678_901_234_567_890n + BigInt(i) * 1_000_000_007n);
  const executions = t.app.get(ExecutionsService);
  for (const amount of amounts) {
    const id = randomUUID();
    const txHash = '0x' + hash();
    await t.dataSource.getRepository(Execution).insert({
      id, userId: user.id, sessionId: null, correlationId: null, action: 'uniswap-v3-swap', token: 'WETH',
      amountUnits: amount, feeBps: 25, feeUnits: null, status: 'submitted', txHash, blockNumber: null,
      errorCode: null, errorMessage: null, latencyMs: null, createdAt: now - HOUR, updatedAt: now - HOUR,
    });
    await executions.confirmFromReceipt(id, { txHash, blockNumber: 1 }, now);
  }
  return amounts;
}

// ---- page helpers --------------------------------------------------------------------------------------------

/** The verdict cell as a reader sees it: a mark and a word, or a dash for a run that judged nothing. */
const VERDICT_TEXT: Record<string, string> = { pass: '✓ pass', fail: '✗ fail', null: '—' };

const isStats = (r: Response) => new URL(r.url()).pathname === '/api/telemetry/devnet-stats' && r.status() === 200;

async function field(page: Page, name: string): Promise<string> {
  return ((await page.locator(`[data-field="${name}"]`).first().textContent()) ?? '').trim();
}

/** Opens a page and returns the devnet-stats body of the first refresh, once the page has rendered it. */
async function openAndRender(probe: PageProbe, url: string): Promise<DevnetStats> {
  const response = probe.page.waitForResponse(isStats);
  await probe.page.goto(url);
  const stats = ((await (await response).json()) as { data: DevnetStats }).data;
  await probe.page.waitForSelector('[data-stats-root][data-state="live"]');
  return stats;
}

async function expectTrafficFigures(page: Page, stats: DevnetStats): Promise<void> {
  expect(await field(page, 'requestsAllTime')).toBe(F.count(stats.traffic.requestsAllTime));
  expect(await field(page, 'usersAllTime')).toBe(F.count(stats.users.allTime));
  expect(await field(page, 'successRate24h')).toBe(F.ratio(stats.traffic.successRate24h));
  expect(await field(page, 'http5xx24h')).toBe(F.count(stats.traffic.http5xx24h));
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(REPORTS_DIR, { recursive: true });
  await page.screenshot({ path: join(REPORTS_DIR, `${name}.png`), fullPage: true });
}

/** Makes the tab look hidden (or visible again) to the page, as a browser does when the user switches tabs. */
async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('dashboard in Chromium: traffic figures', () => {
  let t: TestApp;
  let dir: string;
  const probes: PageProbe[] = [];
  const open = async () => {
    const probe = await openProbedPage(browser);
    probes.push(probe);
    return probe;
  };

  beforeAll(async () => {
    // Seed, then restart on the same file: the start-up catch-up rolls the seeded hours up like any past traffic.
    const temp = tempDbPath();
    dir = temp.dir;
    const now = Date.now();
    const seeding = await bootTestApp({ dbPath: temp.dbPath });
    await seedUsers(seeding.dataSource, now);
    await seedRequestLog(seeding.dataSource, now);
    await seedRuns(seeding.dataSource, now);
    await seeding.close();
    t = await bootTestApp({ dbPath: temp.dbPath, listen: true });
  });
  // A test's pages close with it: a page left open keeps polling (and a route handler of its test keeps answering)
  // into the next test, where an error of that handler would fail a test that has nothing to do with it.
  afterEach(async () => {
    for (const p of probes.splice(0)) {
      await p.page.unrouteAll({ behavior: 'ignoreErrors' });
      await p.context.close();
    }
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('/devnet shows exactly the figures of the API answer it rendered', async () => {
    const probe = await open();
    const traffic = probe.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/telemetry/traffic' && new URL(r.url()).search === '?hours=48');
    const stats = await openAndRender(probe, `${t.baseUrl}/devnet`);
    const { page } = probe;

    // The seeded history makes these figures distinct, so a field read from the wrong key cannot pass.
    expect(stats.traffic.requestsAllTime).toBeGreaterThan(stats.traffic.requestsLast24h);
    expect(stats.traffic.http5xx24h).toBeGreaterThan(0);
    expect(stats.users.allTime).toBeGreaterThan(stats.users.last24h);

    await expectTrafficFigures(page, stats);
    expect(await field(page, 'requestsLast24h')).toBe(F.count(stats.traffic.requestsLast24h));
    expect(await field(page, 'usersLast24h')).toBe(F.count(stats.users.last24h));
    expect(await field(page, 'visitorsLast24h')).toBe(F.count(stats.traffic.visitorsLast24h));

    // A separate call of the API from the test agrees: figures the page's own requests cannot move are identical,
    // request counts can only have grown by the page's own traffic since.
    const fetched = ((await (await fetch(`${t.baseUrl}/api/telemetry/devnet-stats`)).json()) as { data: DevnetStats }).data;
    expect(await field(page, 'usersAllTime')).toBe(F.count(fetched.users.allTime));
    expect(await field(page, 'usersLast24h')).toBe(F.count(fetched.users.last24h));
    expect(await field(page, 'execReason')).toBe(fetched.display.reason);
    expect(fetched.traffic.recentRuns.map((r) => r.runId)).toEqual(stats.traffic.recentRuns.map((r) => r.runId));
    expect(fetched.traffic.requestsAllTime).toBeGreaterThanOrEqual(stats.traffic.requestsAllTime);

    const rows = page.locator('[data-runs] tr');
    expect(await rows.count()).toBe(stats.traffic.recentRuns.length);
    for (const [i, run] of stats.traffic.recentRuns.entries()) {
      const cells = (await rows.nth(i).locator('th, td').allTextContents()).map((c) => c.trim());
      expect(cells[0]).toBe(run.runId);
      expect(cells[1]).toBe(run.kind);
      expect(cells.slice(3)).toEqual([F.count(run.requests), F.percent(run.okPct), F.ms(run.p95Ms), F.count(run.http5xx), VERDICT_TEXT[String(run.verdict)]]);
    }

    // The chart draws one bar per hour with traffic, each carrying the API's count for that hour.
    const series = ((await (await traffic).json()) as { data: { series: Array<{ hourStart: string; requests: number }> } }).data.series;
    const expected = series.filter((h) => h.requests > 0).map((h) => [new Date(h.hourStart).toISOString(), String(h.requests)]);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    const bars = await page.locator('[data-traffic-chart] svg g.bar').evaluateAll((gs) =>
      gs.map((g) => [g.getAttribute('data-hour'), g.getAttribute('data-requests')]),
    );
    expect(bars).toEqual(expected);
    expect(probe.errors).toEqual([]);
    await screenshot(page, 'dashboard-devnet');
  });

  it('charts the last hour per minute and draws the p95 line of both views from the API series', async () => {
    const probe = await open();
    type Point = { requests: number; p95Ms: number | null; minuteStart?: string; hourStart?: string };
    const seriesOf = (query: string) =>
      probe.page
        .waitForResponse((r) => new URL(r.url()).pathname === '/api/telemetry/traffic' && new URL(r.url()).search === query)
        .then(async (r) => ((await r.json()) as { data: { series: Point[] } }).data.series);
    const minutes = seriesOf('?minutes=60');
    const hours = seriesOf('?hours=48');
    await openAndRender(probe, `${t.baseUrl}/devnet`);
    const { page } = probe;

    for (const [host, attr, key, series] of [
      ['[data-minute-chart]', 'data-minute', 'minuteStart', await minutes],
      ['[data-traffic-chart]', 'data-hour', 'hourStart', await hours],
    ] as const) {
      const at = (p: Point) => new Date(p[key]!).toISOString();
      const bars = await page.locator(`${host} svg g.bar`).evaluateAll((gs, a) => gs.map((g) => [g.getAttribute(a), g.getAttribute('data-requests')]), attr);
      expect(bars).toEqual(series.filter((p) => p.requests > 0).map((p) => [at(p), String(p.requests)]));
      const points = await page.locator(`${host} svg circle.p95-point`).evaluateAll((cs, a) => cs.map((c) => [c.getAttribute(a), c.getAttribute('data-p95')]), attr);
      const withP95 = series.filter((p) => p.p95Ms !== null);
      // The seeded minutes and rolled hours have a p95, so the line is there to compare, not vacuously empty.
      expect(withP95.length).toBeGreaterThanOrEqual(2);
      expect(points).toEqual(withP95.map((p) => [at(p), String(p.p95Ms)]));
      // One line segment per run of consecutive slots with a p95 (a slot without one breaks the line).
      const runs = series.filter((p, i) => p.p95Ms !== null && series[i + 1]?.p95Ms != null && series[i - 1]?.p95Ms == null).length;
      expect(await page.locator(`${host} svg polyline.p95-line`).count()).toBe(runs);
    }
    // The seeded minutes: 30 requests 20 minutes ago (durations 1, 4, …, 88 ms: nearest-rank p95 is the 29th, 85 ms).
    const seeded = (await minutes).find((p) => Date.parse(p.minuteStart!) === seededMinute);
    expect(seeded).toMatchObject({ requests: 30, p95Ms: 85 });
    expect(probe.errors).toEqual([]);
  });

  it('marks each run with its own verdict and leaves dry runs out, on both pages', async () => {
    const probe = await open();
    const { page } = probe;
    const stats = await openAndRender(probe, `${t.baseUrl}/devnet`);
    expect(stats.traffic.recentRuns.map((r) => [r.runId, r.verdict])).toEqual([[XSS_RUN_ID, 'fail'], ['devnet-load-seeded', 'pass']]);
    const marks = await page.locator('[data-runs] tr td.verdict').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-verdict')));
    expect(marks).toEqual(['fail', 'pass']);
    expect(await page.locator('[data-runs]').textContent()).not.toContain(DRY_RUN_ID);

    // The API lists the dry run only when asked.
    const all = (await (await fetch(`${t.baseUrl}/api/telemetry/runs?includeDry=true`)).json()) as { data: Array<{ runId: string; dryRun: boolean }> };
    expect(all.data.map((r) => [r.runId, r.dryRun])).toEqual([[DRY_RUN_ID, true], [XSS_RUN_ID, false], ['devnet-load-seeded', false]]);

    await page.goto(`${t.baseUrl}/`);
    const landing = page.waitForResponse(isStats);
    await page.getByText('View Devnet Statistics').click();
    const landingStats = ((await (await landing).json()) as { data: DevnetStats }).data;
    await page.waitForSelector('[data-stats-root][data-state="live"]');
    const rows = page.locator('#devnet-stats [data-runs] tr');
    expect(await rows.count()).toBe(landingStats.traffic.recentRuns.length);
    for (const [i, run] of landingStats.traffic.recentRuns.entries()) {
      const cells = (await rows.nth(i).locator('th, td').allTextContents()).map((c) => c.trim());
      expect(cells).toEqual([run.runId, run.kind, F.count(run.requests), F.percent(run.okPct), VERDICT_TEXT[String(run.verdict)]]);
    }
    expect(probe.errors).toEqual([]);
  });

  it('names no configuration variable on either public page', async () => {
    const probe = await open();
    const { page } = probe;
    await openAndRender(probe, `${t.baseUrl}/devnet`);
    expect(await page.locator('body').innerText()).not.toMatch(ENV_NAME);
    await page.goto(`${t.baseUrl}/#devnet-stats`);
    await page.waitForSelector('[data-stats-root][data-state="live"]');
    expect(await page.locator('body').innerText()).not.toMatch(ENV_NAME);
    expect(probe.errors).toEqual([]);
  });

  it('shows load-run users and requests apart from organic ones when the API reports them, and nothing when it does not', async () => {
    const probe = await open();
    const { page } = probe;
    const plain = await openAndRender(probe, `${t.baseUrl}/devnet`);
    const reported = plain.users.fromLoadRuns !== undefined && plain.traffic.requestsFromLoadRunsAllTime !== undefined;
    if (!reported) expect(await page.locator('[data-load-split]').evaluateAll((ds) => ds.every((d) => (d as HTMLElement).hidden))).toBe(true);

    // The split as the API reports it: the real answer with the load-run keys set to values of the test's choosing.
    await page.route('**/api/telemetry/devnet-stats', async (route) => {
      try {
        const response = await route.fetch();
        const body = (await response.json()) as { data: DevnetStats };
        body.data.users.fromLoadRuns = { allTime: 2, last24h: 1 };
        body.data.traffic.requestsFromLoadRunsAllTime = 40;
        await route.fulfill({ response, json: body });
      } catch (e) {
        // A poll of the page being navigated away is disposed with it: nobody waits for that answer. Any other error
        // fails the test.
        if (!/disposed|closed/i.test(String(e))) throw e;
      }
    });
    const split = await openAndRender(probe, `${t.baseUrl}/devnet`);
    expect(await field(page, 'usersFromLoadRuns')).toBe('2');
    expect(await field(page, 'usersOrganic')).toBe(F.count(split.users.allTime - 2));
    expect(await field(page, 'requestsFromLoadRuns')).toBe('40');
    expect(await field(page, 'requestsOrganic')).toBe(F.count(split.traffic.requestsAllTime - 40));
    expect(await page.locator('[data-load-split="users"]').isVisible()).toBe(true);
    expect(probe.errors).toEqual([]);
  });

  it('the landing page loads nothing until "View Devnet Statistics" is opened, then shows the API headline figures', async () => {
    const probe = await open();
    const { page } = probe;
    let statsRequests = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/telemetry/devnet-stats') statsRequests++;
    });
    await page.goto(`${t.baseUrl}/`);
    expect(await page.locator('#capabilities-title').textContent()).toBe('Capabilities');
    expect(await page.locator('details#devnet-stats').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(statsRequests).toBe(0);

    const response = page.waitForResponse(isStats);
    await page.getByText('View Devnet Statistics').click();
    const stats = ((await (await response).json()) as { data: DevnetStats }).data;
    await page.waitForSelector('[data-stats-root][data-state="live"]');
    await expectTrafficFigures(page, stats);
    expect(await page.locator('[data-exec-hidden]').isVisible()).toBe(true);
    expect(await field(page, 'execReason')).toBe(stats.display.reason);
    expect(probe.errors).toEqual([]);
    await screenshot(page, 'dashboard-landing');
  });

  it('renders a run id and an error made of markup as plain text: no element is created and no script runs', async () => {
    const probe = await open();
    const { page } = probe;
    await openAndRender(probe, `${t.baseUrl}/devnet`);
    const cell = page.locator('[data-runs] th code', { hasText: 'onerror' });
    expect(await cell.textContent()).toBe(XSS_RUN_ID);
    expect(await cell.evaluate((c) => c.childElementCount)).toBe(0);
    expect(await cell.evaluate((c) => c.closest('tr')?.getAttribute('title'))).toBe(`Top error: ${XSS_TOP_ERROR}`);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('body script:not([src])').count()).toBe(0);
    // Give an injected onerror handler every chance to fire.
    await page.waitForTimeout(300);
    expect(probe.dialogs).toEqual([]);
    expect(probe.errors).toEqual([]);
  });

  it('updates after new traffic without a reload, and pauses while the tab is hidden', async () => {
    const probe = await open();
    const { page } = probe;
    const before = await openAndRender(probe, `${t.baseUrl}/devnet?refreshMs=250`);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    // New traffic: a run opened by the operator, a burst of requests carrying its key, and the run finished.
    const runId = `live-${Date.now()}`;
    const json = { 'content-type': 'application/json' };
    const opened = await fetch(`${t.baseUrl}/api/telemetry/runs`, { method: 'POST', headers: json, body: JSON.stringify({ runId, kind: 'load-test' }) });
    expect(opened.status).toBe(201);
    const { runKey } = ((await opened.json()) as { data: { runKey: string } }).data;
    for (let i = 0; i < 150; i++) await fetch(`${t.baseUrl}/health`, { headers: { 'x-run-key': runKey } });
    const finished = await fetch(`${t.baseUrl}/api/telemetry/runs/${runId}/finish`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ requests: 150, okPct: 100, p50Ms: 1, p95Ms: 2, p99Ms: 3, http5xx: 0, summary: {} }),
    });
    expect(finished.status).toBe(200);

    await page.locator('[data-runs] th code', { hasText: runId }).waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      (min) => Number(document.querySelector('[data-field="requestsAllTime"]')?.textContent?.replace(/,/g, '')) >= min,
      before.traffic.requestsAllTime + 150,
      { timeout: 15_000 },
    );
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

    // Hidden: no refresh at all; visible again: one at once.
    let requests = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/telemetry/devnet-stats') requests++;
    });
    await setTabHidden(page, true);
    await page.waitForTimeout(400); // lets an in-flight refresh finish
    requests = 0;
    await page.waitForTimeout(1_000);
    expect(requests).toBe(0);
    const resumed = page.waitForResponse(isStats, { timeout: 2_000 });
    await setTabHidden(page, false);
    await resumed;
    expect(probe.errors).toEqual([]);
  });

  it('fits a phone screen without sideways scrolling of the page', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      const page = await context.newPage();
      await page.goto(`${t.baseUrl}/devnet`);
      await page.waitForSelector('[data-stats-root][data-state="live"]');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, 'dashboard-devnet-phone');
    } finally {
      await context.close();
    }
  });
});

describe('dashboard in Chromium: execution metrics follow the API display decision', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const a of apps) await a.close();
  });

  it('stay hidden, with the reason, while SHOW_EXECUTION_METRICS is off even with 10 confirmed executions', async () => {
    const t = await bootTestApp({ listen: true, env: { SHOW_EXECUTION_METRICS: 'false' } });
    apps.push(t);
    const [user] = await seedUsers(t.dataSource, Date.now());
    await seedConfirmedExecutions(t, user, 10, Date.now());
    const probe = await openProbedPage(browser);
    try {
      const stats = await openAndRender(probe, `${t.baseUrl}/devnet`);
      expect(stats.display.executionMetricsVisible).toBe(false);
      expect(stats.display.reason.length).toBeGreaterThan(0);
      expect(await probe.page.locator('[data-exec]').isHidden()).toBe(true);
      expect(await probe.page.locator('[data-exec-hidden]').isVisible()).toBe(true);
      expect(await field(probe.page, 'execReason')).toBe(stats.display.reason);
    } finally {
      await probe.context.close();
    }
  });

  it('with the flag on: hidden below 10 confirmed executions, shown (exact volume and fees) once the 10th lands', async () => {
    const t = await bootTestApp({ listen: true, env: { SHOW_EXECUTION_METRICS: 'true' } });
    apps.push(t);
    const [user] = await seedUsers(t.dataSource, Date.now());
    const amounts = await seedConfirmedExecutions(t, user, 9, Date.now());
    const probe = await openProbedPage(browser);
    const { page } = probe;
    try {
      const below = await openAndRender(probe, `${t.baseUrl}/devnet?refreshMs=250`);
      expect(below.display.executionMetricsVisible).toBe(false);
      expect(await page.locator('[data-exec]').isHidden()).toBe(true);
      expect(await field(page, 'execReason')).toBe(below.display.reason);

      amounts.push(...(await seedConfirmedExecutions(t, user, 1, Date.now())));
      const shown = await page.waitForResponse(async (r) => isStats(r) && (await r.json()).data.display.executionMetricsVisible === true, { timeout: 10_000 });
      const stats = ((await shown.json()) as { data: DevnetStats }).data;
      await page.locator('[data-exec]').waitFor({ state: 'visible' });
      expect(await page.locator('[data-exec-hidden]').isHidden()).toBe(true);
      expect(await field(page, 'executionsFinalized')).toBe(F.count(stats.transactions.successCount));
      expect(stats.transactions.successCount).toBe(10);

      const rows = page.locator('[data-tokens] tr');
      expect(await rows.count()).toBe(stats.amountExecuted.byToken.length);
      for (const [i, volume] of stats.amountExecuted.byToken.entries()) {
        const fees = stats.feesCollected.byToken.find((f) => f.token === volume.token)!;
        const cells = (await rows.nth(i).locator('th, td').allTextContents()).map((c) => c.trim());
        expect(cells).toEqual([volume.token, F.units(volume.totalUnits, volume.decimals), F.units(fees.totalFeeUnits, fees.decimals), F.units(fees.last24hFeeUnits, fees.decimals)]);
      }
      // Beyond 2^64 wei: the digits shown are exactly the API's, decimals applied, nothing rounded.
      const weth = stats.amountExecuted.byToken.find((v) => v.token === 'WETH')!;
      expect(BigInt(weth.totalUnits)).toBe(amounts.reduce((a, b) => a + b, 0n));
      expect(BigInt(weth.totalUnits)).toBeGreaterThan(2n ** 64n);
      const shownVolume = (await rows.first().locator('td').first().textContent())!.replace(/,/g, '');
      const [whole, fraction = ''] = shownVolume.split('.');
      expect(BigInt(whole + fraction.padEnd(weth.decimals, '0'))).toBe(BigInt(weth.totalUnits));
      expect(probe.errors).toEqual([]);
      await screenshot(page, 'dashboard-devnet-executions');
    } finally {
      await probe.context.close();
    }
  });
});

describe('dashboard in Chromium: API unreachable', () => {
  it('keeps the last figures and says "API unreachable — showing data from HH:MM" once the server stops', async () => {
    const t = await bootTestApp({ listen: true });
    const probe = await openProbedPage(browser);
    const { page } = probe;
    try {
      const stats = await openAndRender(probe, `${t.baseUrl}/devnet?refreshMs=250`);
      await t.close();
      await page.waitForSelector('[data-stats-root][data-state="stale"]', { timeout: 10_000 });
      const status = page.locator('[data-status]');
      const updatedAt = Number(await page.locator('[data-stats-root]').getAttribute('data-updated-at'));
      const expectedClock = await page.evaluate((ms) => {
        const d = new Date(ms);
        return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
      }, updatedAt);
      expect(await status.textContent()).toBe(`API unreachable — showing data from ${expectedClock}`);
      expect(await status.isVisible()).toBe(true);
      // The last figures stay on the page (the stats figures may only have grown since the first answer).
      expect(await field(page, 'usersAllTime')).toBe(F.count(stats.users.allTime));
      expect(await field(page, 'requestsAllTime')).not.toBe('—');
      await screenshot(page, 'dashboard-devnet-unreachable');
    } finally {
      await probe.context.close();
      await t.close();
    }
  });
});
