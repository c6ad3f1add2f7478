/**
 * The fault suite at the opt-in size: `SLUICE_FAULT_RUNS=50 npx tsx bench/faults.bench.ts`.
 * Runs the same vitest files as CI (SIGKILLed workers on both databases, terminated PostgreSQL backends)
 * with more runs, and prints the figures they report (the README quotes them).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const runs = process.env.SLUICE_FAULT_RUNS ?? '50';
const root = join(import.meta.dirname, '..');
const res = spawnSync('npx', ['vitest', 'run', 'test/faults.kill.test.ts', 'test/faults.database.test.ts', 'test/faults.storage.test.ts'], {
  cwd: root,
  env: { ...process.env, SLUICE_FAULT_RUNS: runs },
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
const out = `${res.stdout}\n${res.stderr}`;
for (const line of out.split('\n')) if (line.includes('[faults]') || /Tests\s+\d/.test(line)) process.stdout.write(`${line}\n`);
process.exit(res.status ?? 1);
