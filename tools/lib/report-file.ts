// Writes a run's JSON summary under reports/ (created when missing).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const DEFAULT_REPORT_DIR = 'reports';

export async function writeRunJson(dir: string, runId: string, data: unknown): Promise<string> {
  const folder = resolve(dir);
  await mkdir(folder, { recursive: true });
  const file = join(folder, `${runId}.json`);
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
