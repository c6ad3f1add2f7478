import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets } from '../src/datasets/catalogue.js';
import type { FieldDef, Row } from '../src/datasets/types.js';
import { pseudonymKey } from '../src/exports/query.js';
import { DIALECTS } from './helpers/stores.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { collect, ingestFixture, query } from './helpers/fixtures.js';
import { downloadExport, waitForExport } from './helpers/platform.js';

/** How a CSV cell must read, computed independently of the encoder. */
function expectedCell(field: FieldDef, v: unknown): string {
  if (v === null || v === undefined) return '';
  switch (field.type) {
    case 'timestamp':
      return new Date(Number(v)).toISOString();
    case 'boolean':
      return v === true || v === 1 ? 'true' : 'false';
    case 'json':
      return JSON.stringify(v);
    case 'number':
    case 'integer':
      return String(v);
    default: {
      const s = String(v);
      return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    }
  }
}

for (const dialect of DIALECTS) {
  describe(`every dataset through the export engine (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect);
      await ingestFixture(t.store);
    });
    afterAll(async () => t?.close());

    for (const dataset of Object.values(datasets)) {
      it(`${dataset.name}: the CSV has the chosen fields in order and the dataset's rows, read back with csv-parse`, async () => {
        const personal = !dataset.scopes.includes('organization');
        // All fields, in reverse order: the header must follow the request, not the catalogue.
        const fields = [...dataset.fields].reverse();
        const res = await t.app.inject({
          method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.admin.key),
          payload: { dataset: dataset.name, scope: personal ? 'personal' : 'organization', fields: fields.map((f) => f.name), from: '2024-01-01', to: '2026-12-31' },
        });
        expect(res.statusCode, res.body).toBe(202);
        const done = await waitForExport(t, res.json().id, t.orgA.admin.key);
        expect(done.status, done.error).toBe('completed');
        const csv: string[][] = parse((await downloadExport(t, done.id, t.orgA.admin.key)).body, { bom: true });
        expect(csv[0]).toEqual(fields.map((f) => f.name));

        const reference: Row[] = await collect(t.store, dataset, query({
          userId: 'u_admin',
          scope: personal ? 'personal' : 'organization',
          from: Date.parse('2024-01-01T00:00:00Z'),
          to: Date.parse('2027-01-01T00:00:00Z'),
          pseudonymKey: pseudonymKey(t.config.secret, 'org_a'),
          fields: fields.map((f) => f.name),
        }));
        expect(csv.length - 1).toBe(reference.length);
        expect(done.record_count).toBe(reference.length);
        if (dataset.name !== 'account') expect(reference.length).toBeGreaterThan(0);
        const volatile = new Set(['exportedAt']);
        for (let i = 0; i < reference.length; i++) {
          fields.forEach((f, j) => {
            if (!volatile.has(f.name)) expect(csv[i + 1][j], `${dataset.name} row ${i} ${f.name}`).toBe(expectedCell(f, reference[i][f.name]));
          });
        }
      });
    }
  });
}
