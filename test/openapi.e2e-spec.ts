// The OpenAPI document at /docs/json: every operation has a summary, documents its success in the API's envelope and
// every error status it can answer, and names the real auth schemes (a static admin token, the session header).
import request from 'supertest';
import { bootTestApp, TestApp } from './support/app';

interface Operation {
  summary?: string;
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: unknown;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  oneOf?: Schema[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, Record<string, unknown>> };
}

/** Answers with their own body: health (a probe's shape) and Prometheus text. */
const RAW = new Set(['GET /health', 'GET /metrics']);

let t: TestApp;
let doc: Document;
let operations: Array<[string, Operation]>;

beforeAll(async () => {
  t = await bootTestApp();
  doc = (await request(t.http).get('/docs/json').expect(200)).body as Document;
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Operation]),
  );
});
afterAll(async () => {
  await t?.close();
});

const jsonSchema = (op: Operation, status: string): Schema | undefined => op.responses[status]?.content?.['application/json']?.schema;

/** The statuses an operation must document, from what it takes: the rules the server applies to every route. */
function requiredStatuses(name: string, op: Operation): string[] {
  const needed = ['429'];
  const takesInput = op.requestBody !== undefined || (op.parameters ?? []).some((p) => p.in === 'query' || p.in === 'path');
  if (takesInput) needed.push('400');
  if (op.requestBody !== undefined) needed.push('413');
  const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
  if (schemes.includes('admin')) needed.push('401', '403');
  if (schemes.includes('session') && name.startsWith('POST /api/execute')) needed.push('401');
  if (/\{[^}]+\}/.test(name)) needed.push('404');
  return needed;
}

describe('OpenAPI document', () => {
  it('lists every API operation', () => {
    expect(operations.length).toBeGreaterThanOrEqual(18);
  });

  it('gives every operation a summary', () => {
    expect(operations.filter(([, op]) => !op.summary?.trim()).map(([name]) => name)).toEqual([]);
  });

  it('documents each success inside the { ok: true, data } envelope, with a description and a data schema', () => {
    const problems: string[] = [];
    for (const [name, op] of operations) {
      const successes = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      if (successes.length === 0) problems.push(`${name}: no 2xx`);
      for (const status of successes) {
        if (!op.responses[status].description?.trim()) problems.push(`${name} ${status}: empty description`);
        if (RAW.has(name)) {
          if (!op.responses[status].content) problems.push(`${name} ${status}: no content`);
          continue;
        }
        const schema = jsonSchema(op, status);
        if (schema?.properties?.ok?.enum?.[0] !== true || !schema.required?.includes('data')) problems.push(`${name} ${status}: not the envelope`);
        const data = schema?.properties?.data;
        if (!data || (!data.type && !data.oneOf)) problems.push(`${name} ${status}: no data schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents every error status an operation can answer, each as the error envelope', () => {
    const problems: string[] = [];
    for (const [name, op] of operations) {
      for (const status of requiredStatuses(name, op)) if (!op.responses[status]) problems.push(`${name}: ${status} undocumented`);
      for (const status of Object.keys(op.responses).filter((s) => /^[45]/.test(s))) {
        const schema = jsonSchema(op, status);
        if (name === 'GET /health') continue; // its 503 is the health body with ok false
        if (schema?.properties?.ok?.enum?.[0] !== false || !schema.properties?.error?.required?.includes('code')) {
          problems.push(`${name} ${status}: not the error envelope`);
        }
        if (!op.responses[status].description?.trim()) problems.push(`${name} ${status}: empty description`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names the admin token as a plain bearer token (no JWT) and the session header as an API key', () => {
    const { admin, session } = doc.components.securitySchemes;
    expect(admin).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(admin).not.toHaveProperty('bearerFormat');
    expect(session).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-session-id' });
    const secured = (scheme: string) =>
      operations.filter(([, op]) => (op.security ?? []).some((s) => scheme in s)).map(([name]) => name).sort();
    expect(secured('admin')).toEqual([
      'GET /api/telemetry/executions',
      'GET /api/telemetry/summary',
      'GET /api/telemetry/users',
      'POST /api/telemetry/runs',
      'POST /api/telemetry/runs/{runId}/finish',
    ]);
    expect(secured('session')).toEqual(expect.arrayContaining(['POST /api/execute/prepare', 'POST /api/execute/{id}/submit', 'POST /api/execute/{id}/fail']));
  });

  it('documents the statuses the server really answers for typical mistakes', async () => {
    const cases: Array<[string, Promise<request.Response>]> = [
      ['GET /api/telemetry/runs', request(t.http).get('/api/telemetry/runs?limit=2e1')],
      ['GET /api/session/status', request(t.http).get('/api/session/status').set('x-session-id', `0x${'ab'.repeat(32)}`)],
      ['POST /api/execute/prepare', request(t.http).post('/api/execute/prepare').send({})],
      ['POST /api/execute/{id}/submit', request(t.http).post('/api/execute/x/submit').send({ txHash: '0x' })],
      ['POST /api/telemetry/runs', request(t.http).post('/api/telemetry/runs').send({ kind: 'nope' })],
      ['GET /api/defi/aave/positions', request(t.http).get('/api/defi/aave/positions?address=0x1')],
    ];
    for (const [name, call] of cases) {
      const res = await call;
      const [method, path] = name.split(' ');
      expect({ name, status: res.status, documented: String(res.status) in doc.paths[path][method.toLowerCase()].responses }).toEqual({ name, status: res.status, documented: true });
    }
  });
});

describe('validation messages', () => {
  it('answers one message per failed field: the type check, not the range checks it makes moot', async () => {
    const res = await request(t.http).get('/api/telemetry/runs?limit=2e1').expect(400);
    expect(res.body.error).toEqual({ code: 'VALIDATION_ERROR', message: 'limit must be an integer number' });
    const two = await request(t.http).get('/api/telemetry/runs?limit=0&includeDry=maybe').expect(400);
    expect(two.body.error.message.split('; ').sort()).toEqual(['includeDry must be a boolean value', 'limit must not be less than 1']);
  });
});
