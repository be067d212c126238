// The dashboard pages over plain HTTP: served by the app itself, with a strict CSP, and without shadowing the API.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DASHBOARD_CSP } from '../src/dashboard/dashboard.static';
import { bootTestApp, TestApp } from './support/app';

const PUBLIC_DIR = join(__dirname, '..', 'public');

describe('dashboard: static pages served by the backend', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t.close());

  it('GET / serves the landing page with Capabilities and a "View Devnet Statistics" expander', async () => {
    const res = await request(t.http).get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('id="capabilities"');
    expect(res.text).toMatch(/<details[^>]*>\s*<summary>View Devnet Statistics<\/summary>/);
  });

  it('GET /devnet serves the full dashboard', async () => {
    const res = await request(t.http).get('/devnet').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<h1>Devnet statistics</h1>');
    expect(res.text).toContain('data-traffic-chart');
  });

  it.each(['/', '/devnet'])('%s carries the CSP (no inline script) and the hardening headers', async (path) => {
    const res = await request(t.http).get(path).expect(200);
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-correlation-id']).toBeDefined();
  });

  it.each([
    ['/assets/dashboard.js', /javascript/],
    ['/assets/format.js', /javascript/],
    ['/assets/dashboard.css', /^text\/css/],
    ['/assets/favicon.svg', /^image\/svg\+xml/],
  ])('serves %s', async (path, type) => {
    const res = await request(t.http).get(path).expect(200);
    expect(res.headers['content-type']).toMatch(type);
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
  });

  it('the pages have no inline script, inline style or event-handler attributes (the CSP would block them)', () => {
    for (const file of ['index.html', 'devnet.html']) {
      const html = readFileSync(join(PUBLIC_DIR, file), 'utf8');
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toMatch(/\ssrc="\/assets\/[a-z-]+\.js"/);
      expect(html).not.toMatch(/<style\b/);
      expect(html).not.toMatch(/\sstyle=/);
      expect(html).not.toMatch(/\son[a-z]+=/i);
      expect(html).not.toMatch(/https?:\/\//);
    }
  });

  it.each(['/api/no-such-endpoint', '/api/telemetry/no-such', '/no/such/page', '/devnet.html', '/assets/missing.js', '/assets/'])(
    'unknown path %s still answers the JSON 404',
    async (path) => {
      const res = await request(t.http).get(path).expect(404);
      expect(res.body).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } });
    },
  );

  it.each(['/health', '/api/telemetry/runs', '/devnet', '/no/such/page'])(
    'keeps the error code of a failure raised before routing on %s (400 INVALID_JSON, not a 404)',
    async (path) => {
      const res = await request(t.http).post(path).set('content-type', 'application/json').send('{"a":').expect(400);
      expect(res.body).toEqual({ ok: false, error: { code: 'INVALID_JSON', message: expect.any(String) } });
    },
  );

  it('leaves /health, /metrics and /docs to the API', async () => {
    const health = await request(t.http).get('/health').expect(200);
    expect(health.body.ok).toBe(true);
    expect(health.headers['content-security-policy']).toBeUndefined();
    await request(t.http).get('/metrics').expect(200).expect('content-type', /^text\/plain/);
    await request(t.http).get('/docs/json').expect(200).expect('content-type', /json/);
  });

  it('does not serve the static pages for other methods', async () => {
    const res = await request(t.http).post('/devnet').send({}).expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
