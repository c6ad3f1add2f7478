/*
 * Demo seed throughput and memory: `seedDemo` at SLUICE_BENCH_SCALE (default 1 ≈ 200,000 workflow
 * runs, 550,000 rows) into SQLite and PostgreSQL. Generation streams, so peak RSS should not grow
 * with the scale; try SLUICE_BENCH_SCALE=50 (10,000,000 runs) to check.
 */
import { seedDemo } from '../src/demo/seed.js';
import { runCases, type Case } from './lib/cases.js';
import { benchTarget } from './lib/targets.js';

const SCALE = Number(process.env.SLUICE_BENCH_SCALE ?? 1);

const seed = (dialect: 'sqlite' | 'postgres'): Case => async () => {
  const target = await benchTarget(dialect);
  try {
    const t = performance.now();
    const c = process.cpuUsage();
    const result = await seedDemo(target.store, { scale: SCALE, now: Date.UTC(2025, 5, 1) });
    const cpu = process.cpuUsage(c);
    const rows = Object.values(result.counts).reduce((a, b) => a + (b ?? 0), 0);
    return {
      rows,
      seconds: (performance.now() - t) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      notes: `${(result.counts.workflow_runs ?? 0).toLocaleString('en')} workflow runs; generation + validation + upsert`,
    };
  } finally {
    await target.dispose();
  }
};

await runCases(import.meta.filename, `Demo seed at scale ${SCALE}`, {
  [`sqlite seed ×${SCALE}`]: seed('sqlite'),
  [`postgres seed ×${SCALE}`]: seed('postgres'),
});
