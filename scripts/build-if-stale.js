// `npm start` (prestart) and `npm install` (prepare): build only when an input is newer than the last successful build,
// so a start on a built tree costs a few directory reads instead of loading the TypeScript compiler. `--force`
// (`npm run build`) always builds everything.
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.build-stamp');
// What tsconfig.build.json compiles, plus what changes how it compiles.
const INPUTS = ['src', 'tools', 'bench', 'ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** Newest mtime under a path; a directory's own mtime counts, so a deleted or renamed file is a change too. */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

const built = newest(STAMP);
const changed = Math.max(...INPUTS.map((input) => newest(join(ROOT, input))));
const force = process.argv.includes('--force');
if (!force && built > 0 && changed <= built) process.exit(0);

// tsc --build trusts its build info and does not notice deleted outputs: without a stamp of ours, build everything.
const args = ['--build', 'tsconfig.build.json', ...(force || built === 0 ? ['--force'] : [])];
const startedAt = Date.now();
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...args], { cwd: ROOT, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
mkdirSync(join(ROOT, 'dist'), { recursive: true });
// Stamped with the build's start: a file saved during the build is newer, so the next start builds again.
writeFileSync(STAMP, new Date(startedAt).toISOString() + '\n');
utimesSync(STAMP, startedAt / 1000, startedAt / 1000);
