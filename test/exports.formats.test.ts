import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import XLSX from 'xlsx';
import { datasets } from '../src/datasets/catalogue.js';
import type { Dataset, FieldDef, FieldType } from '../src/datasets/types.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { ingestFixture } from './helpers/fixtures.js';
import { downloadExport, waitForExport } from './helpers/platform.js';
import { readParquet, readXlsx, serialToWallMs } from './helpers/readers.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * Every dataset through the real engine as Parquet and as XLSX, read back by readers that are not the
 * writers' libraries (DuckDB, SheetJS), must equal the CSV export of the same request: same rows in the
 * same order, the same values, each with its column's type. Europe/Berlin makes the XLSX wall times move.
 */

const TZ = 'Europe/Berlin';
const VOLATILE = new Set(['exportedAt']);

/** DuckDB's name for the column type each field type must get. */
const DUCKDB_TYPES: Record<FieldType, string> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP WITH TIME ZONE',
  date: 'DATE',
  json: 'JSON',
};

/** The typed value DuckDB must read for a CSV cell of this field ('' is null: CSV cannot tell them apart). */
function parquetValueOf(field: FieldDef, cell: string): unknown {
  if (cell === '') return null;
  switch (field.type) {
    case 'timestamp':
      return new Date(Date.parse(cell));
    case 'date':
      return new Date(`${cell}T00:00:00Z`);
    case 'integer':
      return BigInt(cell);
    case 'number':
      return Number(cell);
    case 'boolean':
      return cell === 'true';
    default:
      return cell;
  }
}

/** A value as SheetJS reads it, made comparable: Excel date-times become the wall time they show, as epoch ms. */
function xlsxComparable(field: FieldDef, v: unknown): unknown {
  if (v === null || v === '') return null;
  return (field.type === 'timestamp' || field.type === 'date') && typeof v === 'number' ? serialToWallMs(v) : v;
}

/** What SheetJS must read for a CSV cell: a timestamp's local wall time (the CSV text without its offset). */
function xlsxValueOf(field: FieldDef, cell: string): unknown {
  if (cell === '') return null;
  switch (field.type) {
    case 'timestamp':
      return Date.parse(`${cell.slice(0, 23)}Z`);
    case 'date':
      return Date.parse(`${cell}T00:00:00Z`);
    case 'integer':
    case 'number':
      return Number.isSafeInteger(Number(cell)) || field.type === 'number' ? Number(cell) : cell;
    case 'boolean':
      return cell === 'true';
    default:
      return cell;
  }
}

/** The SheetJS cell type a non-empty cell of this field must have. */
const XLSX_TYPES: Record<FieldType, string> = { string: 's', json: 's', integer: 'n', number: 'n', timestamp: 'n', date: 'n', boolean: 'b' };

for (const dialect of DIALECTS) {
  describe(`Parquet and XLSX exports equal the CSV export (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect);
      await ingestFixture(t.store);
    });
    afterAll(async () => t?.close());

    /** Runs one export of `dataset` (all fields, reversed) in `format` and returns the finished export and its file. */
    async function exportAs(dataset: Dataset, format: string, extra: Record<string, unknown> = {}) {
      const personal = !dataset.scopes.includes('organization');
      const res = await t.app.inject({
        method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.admin.key),
        payload: {
          dataset: dataset.name, scope: personal ? 'personal' : 'organization', fields: [...dataset.fields].reverse().map((f) => f.name),
          from: '2024-01-01', to: '2026-12-31', timezone: TZ, format, ...extra,
        },
      });
      expect(res.statusCode, res.body).toBe(202);
      const done = await waitForExport(t, res.json().id, t.orgA.admin.key);
      expect(done.status, done.error).toBe('completed');
      const file = await downloadExport(t, done.id, t.orgA.admin.key);
      expect(file.statusCode).toBe(200);
      return { done, file };
    }

    for (const dataset of Object.values(datasets)) {
      const fields = [...dataset.fields].reverse();

      it(`${dataset.name}: Parquet, read with DuckDB, has the CSV's rows with typed columns`, async () => {
        // Parquet keeps text verbatim, so it is compared with a CSV that does too.
        const csv: string[][] = parse((await exportAs(dataset, 'csv', { neutralize_formulas: false })).file.body, { bom: true });
        const { done, file } = await exportAs(dataset, 'parquet');
        expect(file.headers['content-type']).toBe('application/vnd.apache.parquet');
        expect(done.filename).toMatch(/\.parquet$/);
        const read = await readParquet(file.rawPayload);
        expect(read.columns).toEqual(fields.map((f) => ({ name: f.name, type: DUCKDB_TYPES[f.type] })));
        expect(read.rows.length).toBe(csv.length - 1);
        expect(done.record_count).toBe(csv.length - 1);
        if (dataset.name !== 'account') expect(read.rows.length).toBeGreaterThan(0);
        const comparable = (row: Record<string, unknown>) => fields.filter((f) => !VOLATILE.has(f.name)).map((f) => (row[f.name] === '' ? null : row[f.name]));
        const expected = csv.slice(1).map((cells) => fields.map((f, j) => parquetValueOf(f, cells[j])).filter((_, j) => !VOLATILE.has(fields[j].name)));
        expect(read.rows.map(comparable)).toEqual(expected);
      });

      it(`${dataset.name}: XLSX, read with SheetJS, has the CSV's rows with typed cells and no formulas`, async () => {
        const csv: string[][] = parse((await exportAs(dataset, 'csv')).file.body, { bom: true });
        const { done, file } = await exportAs(dataset, 'xlsx');
        expect(file.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        expect(done.filename).toMatch(/\.xlsx$/);
        const x = readXlsx(file.rawPayload);
        expect(x.sheetNames).toEqual(['Sheet 1']);
        const values = x.values('Sheet 1');
        expect(values[0]).toEqual(csv[0]);
        expect(values.length).toBe(csv.length);
        const keep = fields.map((f) => !VOLATILE.has(f.name));
        const actual = values.slice(1).map((row) => fields.map((f, j) => xlsxComparable(f, row[j])).filter((_, j) => keep[j]));
        const expected = csv.slice(1).map((cells) => fields.map((f, j) => xlsxValueOf(f, cells[j])).filter((_, j) => keep[j]));
        expect(actual).toEqual(expected);
        const sheet = x.workbook.Sheets['Sheet 1'];
        for (const [address, cell] of Object.entries(sheet)) {
          if (address.startsWith('!')) continue;
          expect((cell as { f?: string }).f, address).toBeUndefined();
          const { r, c: col } = XLSX.utils.decode_cell(address);
          const row = r + 1;
          const f = fields[col];
          const c = cell as { t: string; v: unknown; z?: string };
          if (row === 1 || c.v === '' || c.t === 'z') continue;
          const big = f.type === 'integer' && c.t === 's';
          expect(big ? 'n' : c.t, `${dataset.name} ${address} ${f.name}`).toBe(XLSX_TYPES[f.type]);
          if (f.type === 'timestamp') expect(c.z).toBe('yyyy-mm-dd hh:mm:ss');
          if (f.type === 'date') expect(c.z).toBe('yyyy-mm-dd');
        }
      });
    }

    it('documents both formats where users read about them: GET /v1/datasets (types, the sheet rollover, no gzip) and the format field', async () => {
      const doc = (await t.app.inject({ url: '/openapi.json' })).json();
      const datasetsDoc: string = doc.paths['/v1/datasets'].get.description;
      expect(datasetsDoc).toContain('A sheet holds 1,048,575 data rows (Excel\'s limit): the rows after that continue on `Sheet 2`, `Sheet 3`, …, each with the header.');
      expect(datasetsDoc).toContain('one typed column per field: timestamp → TIMESTAMP(MILLIS, UTC), integer → INT64, number → DOUBLE');
      expect(datasetsDoc).toContain('Parquet and XLSX files are compressed already: `compression: "gzip"` is refused for them (422).');
      const body = doc.paths['/v1/exports'].post.requestBody.content['application/json'].schema;
      expect(body.properties.format.enum).toEqual(['csv', 'json', 'jsonl', 'parquet', 'xlsx']);
      expect(body.properties.format.description).toContain('xlsx (Excel; over 1,048,575 rows the rows continue on the next sheet)');
    });

    it('refuses gzip for Parquet and XLSX with a 422 that says why', async () => {
      for (const format of ['parquet', 'xlsx']) {
        const res = await t.app.inject({
          method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.admin.key),
          payload: { dataset: 'workflow_runs', format, compression: 'gzip' },
        });
        expect(res.statusCode, res.body).toBe(422);
        expect(res.json().message).toBe(`${format} files are already compressed, so gzip is not available for them; send compression "none" (or leave it out)`);
      }
    });
  });
}
