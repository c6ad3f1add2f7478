import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuzz } from './helpers/fuzz/run.js';
import { createFuzzTarget, type FuzzTarget } from './helpers/fuzz/target.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * Every route of /openapi.json, walked with malformed bodies, params, query strings, headers and
 * encodings: never a 5xx, the server stays up, and a rejected request stores nothing. A fixed-seed CI
 * size here; `npm run bench -- fuzz` runs the large one (SLUICE_FUZZ_RUNS requests per database).
 */
const RUNS = Number(process.env.SLUICE_FUZZ_RUNS ?? 500);
const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 20260110);

for (const dialect of DIALECTS) {
  describe(`OpenAPI fuzzing (${dialect})`, () => {
    let target: FuzzTarget;
    beforeAll(async () => {
      target = await createFuzzTarget(dialect);
    });
    afterAll(async () => target?.close());

    it(`answers ~${RUNS} malformed requests across every route below 500, storing nothing for rejected ones`, async () => {
      expect(target.operations.length).toBeGreaterThan(30);
      const report = await runFuzz(target, { runsPerOperation: Math.ceil(RUNS / target.operations.length), seed: SEED });
      const shown = report.failures.slice(0, 5).map((f) => ({ ...f.request, payload: f.request.payload?.slice(0, 300), outcome: f.outcome }));
      expect(shown, target.errors.slice(0, 3).join('\n')).toEqual([]);
      expect(report.alive).toBe(true);
      expect(report.requests).toBeGreaterThanOrEqual(RUNS * 0.9);
      console.log(`fuzz ${dialect}: ${report.requests} requests over ${report.operations} operations in ${report.ms} ms; statuses ${JSON.stringify(report.statuses)}`);
    }, 600_000);
  });
}
