import { existsSync } from 'node:fs';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { validateEnv, ConfigValidationError } from '../src/config/env.validation';
import { bootTestApp, TestApp } from './support/app';

describe('foundation: error model, health, metrics, docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t.close());

  it('creates the database (on SQLite its folder and file) and applies every migration', async () => {
    // On PostgreSQL (TELEMETRY_DB_URL set) the test database is created by the harness; no file is involved.
    if (!t.dbUrl) expect(existsSync(t.dbPath)).toBe(true);
    expect(await t.dataSource.showMigrations()).toBe(false);
  });

  it('GET /health answers ok with database status, uptime, version and request-log health', async () => {
    const res = await request(t.http).get('/health').expect(200);
    expect(res.body).toMatchObject({ ok: true, database: { status: 'up', driver: t.dbUrl ? 'postgres' : 'sqlite' } });
    expect(typeof res.body.uptimeS).toBe('number');
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(res.body.requestLog).toEqual(expect.objectContaining({ depth: expect.any(Number), dropped: expect.any(Number) }));
  });

  it('echoes a well-formed x-correlation-id and generates one otherwise', async () => {
    const echoed = await request(t.http).get('/health').set('x-correlation-id', 'abc-123');
    expect(echoed.headers['x-correlation-id']).toBe('abc-123');
    const generated = await request(t.http).get('/health').set('x-correlation-id', '<script>');
    expect(generated.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with 404 NOT_FOUND in the error shape', async () => {
    const res = await request(t.http).get('/no/such/route').expect(404);
    expect(res.body).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } });
    expect(res.headers['x-correlation-id']).toBeDefined();
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await request(t.http).post('/health').set('content-type', 'application/json').send('{"a":').expect(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
    expect(res.headers['x-correlation-id']).toBeDefined();
  });

  it('reads a chunked body (Transfer-Encoding, no Content-Length) too: malformed JSON is 400 INVALID_JSON', async () => {
    const req = request(t.http).post('/health').set('content-type', 'application/json');
    // Written as a stream: node sends it chunked, without a Content-Length.
    req.write('{"a":');
    const res = await req;
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });

  it('answers a body over 64 KiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await request(t.http)
      .post('/health')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ a: 'x'.repeat(65 * 1024) }))
      .expect(413);
    expect(res.body).toEqual({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
  });

  it('accepts a body just under the limit (no false 413)', async () => {
    const res = await request(t.http).post('/no-route').set('content-type', 'application/json').send(JSON.stringify({ a: 'x'.repeat(60 * 1024) }));
    expect(res.status).toBe(404);
  });

  it('GET /metrics serves the Prometheus exposition', async () => {
    const res = await request(t.http).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('# TYPE bloom_http_requests_total counter');
    expect(res.text).toContain('bloom_process_cpu_seconds_total');
  });

  it('GET /docs serves the OpenAPI UI and /docs/json lists /health', async () => {
    await request(t.http).get('/docs').expect(200);
    const doc = await request(t.http).get('/docs/json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/health', '/metrics']));
  });

  it('the OpenAPI UI\'s own files and the YAML document are served from the /docs router, and paths beside it are 404', async () => {
    await request(t.http).get('/docs/swagger-ui.css').expect(200).expect('content-type', /text\/css/);
    await request(t.http).get('/docs/swagger-ui-init.js').expect(200).expect('content-type', /javascript/);
    const yaml = await request(t.http).get('/docs-yaml').expect(200).expect('content-type', /yaml/);
    expect(yaml.text).toContain('/health:');
    const beside = await request(t.http).get('/docsx').expect(404);
    expect(beside.headers['x-correlation-id']).toBeDefined();
  });
});

describe('foundation: health when the database does not answer', () => {
  it('GET /health answers 503 { ok: false } once the database is closed, even right after a cached "up"', async () => {
    const t = await bootTestApp();
    try {
      await request(t.http).get('/health').expect(200);
      await t.app.get(DataSource).destroy();
      const res = await request(t.http).get('/health').expect(503);
      expect(res.body).toMatchObject({ ok: false, database: { status: 'down' } });
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

describe('configuration is validated at start-up', () => {
  const rejects = (env: Record<string, string>, ...fragments: string[]) => {
    let error: unknown;
    try {
      validateEnv(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    for (const f of fragments) expect((error as Error).message).toContain(f);
  };

  it.each([
    [{ BLOSSOM_FEE_BPS: '60' }, ['BLOSSOM_FEE_BPS', '"60"', 'from 10 to 50']],
    [{ BLOSSOM_FEE_BPS: '9' }, ['BLOSSOM_FEE_BPS', '"9"', 'from 10 to 50']],
    [{ BLOSSOM_FEE_BPS: '25.5' }, ['BLOSSOM_FEE_BPS', '"25.5"', 'integer']],
    [{ PORT: 'abc' }, ['PORT', '"abc"', 'from 1 to 65535']],
    [{ RATE_LIMIT_PER_MIN: '-1' }, ['RATE_LIMIT_PER_MIN', '"-1"']],
    [{ TELEMETRY_CONSOLE: 'maybe' }, ['TELEMETRY_CONSOLE', 'true or false']],
    [{ AAVE_POOL_ADDRESS: '0x123' }, ['AAVE_POOL_ADDRESS']],
    [{ TELEMETRY_DB_URL: 'mysql://x' }, ['TELEMETRY_DB_URL', 'postgres']],
  ])('rejects %j naming the variable, the value and the range', (env, fragments) => {
    rejects(env as Record<string, string>, ...(fragments as string[]));
  });

  it('accepts the defaults and parses typed values', () => {
    const env = validateEnv({ BLOSSOM_FEE_BPS: '10', PORT: '8080', TELEMETRY_CONSOLE: 'true', EXECUTION_ADAPTERS: 'a-1, b-2' });
    expect(env).toMatchObject({ BLOSSOM_FEE_BPS: 10, PORT: 8080, TELEMETRY_CONSOLE: true, EXECUTION_ADAPTERS: ['a-1', 'b-2'] });
    expect(validateEnv({})).toMatchObject({ PORT: 3001, BLOSSOM_FEE_BPS: 25, TELEMETRY_DB_PATH: 'telemetry/telemetry.db', CHAIN_ID: 11155111 });
  });

  it('redacts secrets in the message', () => {
    rejects({ TELEMETRY_ADMIN_TOKEN: 'short' }, 'TELEMETRY_ADMIN_TOKEN=<redacted>');
  });
});
