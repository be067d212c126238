// The shutdown spill file: request-log rows the database could not take before exit, one JSON object a line,
// appended and fsynced, replayed at the next start. Rows are already in their stored shape (route pattern, hashes,
// no query string or address), so the file holds nothing the table would not.
import { Inject, Injectable } from '@nestjs/common';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AppConfig, appConfig } from '../config/app.config';
import { databaseKind } from '../database/data-source-options';
import { RequestLogRow } from './request-log-row';

/**
 * SQLite: beside the database file (`telemetry.db` → `telemetry.db.request-log-spill.jsonl`). PostgreSQL: in the spill
 * folder (default `telemetry/`), named after server and database, so a file is only ever replayed into its own database.
 */
export function spillFilePath(db: AppConfig['db'], spillDir?: string): string {
  if (databaseKind(db) === 'sqlite') return join(resolve(spillDir ?? dirname(db.path)), `${basename(db.path)}.request-log-spill.jsonl`);
  const url = new URL(db.url!);
  const name = `${url.hostname}-${url.port || '5432'}-${url.pathname.slice(1) || 'postgres'}`.replace(/[^A-Za-z0-9._-]/g, '_');
  return join(resolve(spillDir ?? 'telemetry'), `request-log-spill.${name}.jsonl`);
}

export interface SpilledRows {
  rows: RequestLogRow[];
  /** Lines that are not a whole row: only a crash while appending leaves one (the last). */
  unreadable: number;
}

@Injectable()
export class RequestLogSpill {
  readonly path: string;
  /** A replay works on the file renamed to this, so rows spilled meanwhile go to a new file instead of one being deleted. */
  private readonly claimedPath: string;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.path = spillFilePath(config.db, config.requestLog.spillDir);
    this.claimedPath = `${this.path}.replaying`;
  }

  /** Appends the rows; resolves once they are on disk (file and folder fsynced). Every row must carry its spillId. */
  async append(rows: readonly RequestLogRow[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const file = await open(this.path, 'a', 0o600);
    try {
      await file.writeFile(rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
      await file.sync();
    } finally {
      await file.close();
    }
    await syncFolder(dirname(this.path));
  }

  /**
   * The rows to replay: those of a replay that did not finish (its claimed file is still there), else the spill file,
   * claimed first by renaming it. Null when there is nothing to replay. `done()` removes the claimed file.
   */
  async claim(): Promise<SpilledRows | null> {
    const claimed = await readIfExists(this.claimedPath);
    if (claimed !== null) return parseLines(claimed);
    try {
      await rename(this.path, this.claimedPath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    await syncFolder(dirname(this.path));
    return parseLines((await readIfExists(this.claimedPath)) ?? '');
  }

  async done(): Promise<void> {
    await rm(this.claimedPath, { force: true });
    await syncFolder(dirname(this.path));
  }
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function parseLines(text: string): SpilledRows {
  const rows: RequestLogRow[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const row = toRow(line);
    if (row) rows.push(row);
    else unreadable++;
  }
  return { rows, unreadable };
}

const nullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** Only the columns, checked: a torn line or a foreign object never reaches an INSERT. */
function toRow(line: string): RequestLogRow | null {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null) return null;
  const { ts, method, route, status, durationMs, userHash, runId, correlationId, errorCode, spillId } = o;
  const valid =
    Number.isSafeInteger(ts) && typeof method === 'string' && typeof route === 'string' && Number.isInteger(status) &&
    typeof durationMs === 'number' && nullableString(userHash) && nullableString(runId) && nullableString(correlationId) &&
    nullableString(errorCode) && typeof spillId === 'string' && spillId.length > 0;
  if (!valid) return null;
  return { ts, method, route, status, durationMs, userHash, runId, correlationId, errorCode, spillId } as RequestLogRow;
}

/** Makes a create, rename or delete in the folder durable; platforms that cannot fsync a folder skip it. */
async function syncFolder(path: string): Promise<void> {
  let folder;
  try {
    folder = await open(path, 'r');
    await folder.sync();
  } catch {
    // Windows cannot open a folder for fsync; NTFS journals the metadata change itself.
  } finally {
    await folder?.close();
  }
}
