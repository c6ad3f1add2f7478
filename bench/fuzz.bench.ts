/*
 * The OpenAPI fuzzer at its large size: every route of /openapi.json, SLUICE_FUZZ_RUNS requests per
 * database (default 10,000) from a fixed seed, with malformed bodies, params, query strings, headers and
 * encodings. Reports how many were sent and how they were answered; fails on any 5xx, on a rejected
 * request that changed a table's row count, or on a server that stopped answering.
 *
 *   npm run bench -- fuzz        (SLUICE_FUZZ_RUNS, SLUICE_FUZZ_SEED, SLUICE_BENCH_PG_URL override the defaults)
 */
const RUNS = Number(process.env.SLUICE_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 20260110);
if (process.env.SLUICE_BENCH_PG_URL) process.env.SLUICE_TEST_PG_URL = process.env.SLUICE_BENCH_PG_URL;

// Imported after the environment is set: the test store helper reads the PostgreSQL URL on load.
const { createFuzzTarget } = await import('../test/helpers/fuzz/target.js');
const { runFuzz } = await import('../test/helpers/fuzz/run.js');

const classOf = (status: string) => `${status[0]}xx`;
let failed = 0;
console.log(`| database | requests | operations | 2xx/3xx | 4xx | 5xx | rejected but stored | server alive | time |`);
console.log(`|---|---:|---:|---:|---:|---:|---:|---|---:|`);
for (const dialect of ['sqlite', 'postgres'] as const) {
  const target = await createFuzzTarget(dialect);
  try {
    const report = await runFuzz(target, { runsPerOperation: Math.ceil(RUNS / target.operations.length), seed: SEED });
    const by: Record<string, number> = {};
    for (const [status, n] of Object.entries(report.statuses)) by[classOf(status)] = (by[classOf(status)] ?? 0) + n;
    const fivexx = report.failures.filter((f) => f.outcome.status >= 500).length;
    const stored = report.failures.filter((f) => f.outcome.changed.length > 0).length;
    console.log(
      `| ${dialect} | ${report.requests.toLocaleString('en')} | ${report.operations} | ${((by['2xx'] ?? 0) + (by['3xx'] ?? 0)).toLocaleString('en')} | ${(by['4xx'] ?? 0).toLocaleString('en')} | ${fivexx} | ${stored} | ${report.alive ? 'yes' : 'NO'} | ${(report.ms / 1000).toFixed(1)} s |`,
    );
    if (report.failures.length > 0 || !report.alive) {
      failed++;
      for (const f of report.failures.slice(0, 5)) console.error(JSON.stringify({ ...f.request, payload: f.request.payload?.slice(0, 300), outcome: f.outcome }));
      for (const line of target.errors.slice(0, 3)) console.error(line);
    }
  } finally {
    await target.close();
  }
}
console.log(`\nseed ${SEED}; statuses by class; "rejected but stored" counts 4xx answers after which a table's row count had changed.`);
process.exit(failed ? 1 : 0);
