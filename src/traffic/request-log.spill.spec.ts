import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppConfig } from '../config/app.config';
import { RequestLogRow } from './request-log-row';
import { RequestLogSpill, spillFilePath } from './request-log.spill';

const row = (ts: number, spillId = `id-${ts}`): RequestLogRow => ({
  ts, method: 'GET', route: '/x', status: 200, durationMs: 1.5, userHash: null, runId: null, correlationId: `c-${ts}`, errorCode: null, spillId,
});

describe('spillFilePath', () => {
  it('SQLite: beside the database file, named after it', () => {
    expect(spillFilePath({ path: 'data/app.db' })).toBe(resolve('data/app.db.request-log-spill.jsonl'));
    expect(spillFilePath({ path: 'data/app.db' }, '/var/spill')).toBe('/var/spill/app.db.request-log-spill.jsonl');
  });

  it('PostgreSQL: in the spill folder (default telemetry/), named after server and database, never the password', () => {
    const db = { path: 'ignored.db', url: 'postgres://user:s3cret@db.example:6543/bloom' };
    expect(spillFilePath(db)).toBe(resolve('telemetry/request-log-spill.db.example-6543-bloom.jsonl'));
    expect(spillFilePath({ path: 'x', url: 'postgres://u:p@localhost/other' }, '/spill')).toBe('/spill/request-log-spill.localhost-5432-other.jsonl');
  });
});

describe('RequestLogSpill', () => {
  let dir: string;
  let sut: RequestLogSpill;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bloom-spill-'));
    sut = new RequestLogSpill({ db: { path: join(dir, 't.db') }, requestLog: {} } as AppConfig);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends rows as JSON lines (owner-only file) and gives them back once claimed; then nothing is left', async () => {
    await sut.append([row(1), row(2)]);
    await sut.append([row(3)]);
    expect(readFileSync(sut.path, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(statSync(sut.path).mode & 0o777).toBe(0o600);
    expect(await sut.claim()).toEqual({ rows: [row(1), row(2), row(3)], unreadable: 0 });
    await sut.done();
    expect(await sut.claim()).toBeNull();
  });

  it('a claim that was not done is claimed again first; rows spilled meanwhile come after it', async () => {
    await sut.append([row(1)]);
    await sut.claim();
    await sut.append([row(2)]);
    expect((await sut.claim())?.rows).toEqual([row(1)]);
    await sut.done();
    expect((await sut.claim())?.rows).toEqual([row(2)]);
  });

  it('counts a torn last line and lines that are not rows, and keeps only the columns', async () => {
    await sut.append([row(1)]);
    appendFileSync(sut.path, `${JSON.stringify({ ...row(2), extra: 'x' })}\n${JSON.stringify({ ...row(3), spillId: null })}\n{"ts":4,"meth`);
    expect(await sut.claim()).toEqual({ rows: [row(1), row(2)], unreadable: 2 });
  });
});
