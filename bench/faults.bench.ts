/**
 * The fault suite at the opt-in size: `SLUICE_FAULT_RUNS=50 npx tsx bench/faults.bench.ts`.
 * Runs the same vitest files as CI (SIGKILLed workers on both databases, terminated PostgreSQL backends,
 * storage faults, the database cut off behind a proxy, SQLite contention, a full export volume) with more
 * runs where a file takes a run count (kill, database), one file at a time (the kill runs are
 * timing-sensitive; two at once on a small machine only measures the machine), and prints the figures
 * they report (the README quotes them). `SLUICE_FAULT_FILES=kill,database` runs only those files.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const runs = process.env.SLUICE_FAULT_RUNS ?? '50';
const root = join(import.meta.dirname, '..');
// The files that take a run count first (database before the long kill runs), then the fixed-size ones.
const all = ['database', 'storage', 'kill', 'outage', 'contention', 'full-disk'];
const files = process.env.SLUICE_FAULT_FILES ? process.env.SLUICE_FAULT_FILES.split(',').map((f) => f.trim()) : all;

let status = 0;
for (const name of files) {
  const started = Date.now();
  const res = spawnSync('npx', ['vitest', 'run', `test/faults.${name}.test.ts`], {
    cwd: root,
    env: { ...process.env, SLUICE_FAULT_RUNS: runs },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = `${res.stdout}\n${res.stderr}`;
  for (const line of out.split('\n')) if (line.includes('[faults]') || /Tests\s+\d/.test(line)) process.stdout.write(`${line}\n`);
  process.stdout.write(`faults.${name}: ${res.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  if (res.status !== 0) {
    status = res.status ?? 1;
    process.stdout.write(out.slice(-4000));
  }
}
process.exit(status);
