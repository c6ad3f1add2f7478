import type { Config } from '../config/config.js';
import type { ExportsTable } from '../db/schema.js';
import { Conflict } from '../errors.js';
import { manifestKey, roundTotal, signManifest, type Manifest } from '../schedules/manifest.js';
import { parseParams } from './model.js';

/**
 * The signed manifest of a completed export: its file (rows, bytes, sha256), window, filters and totals
 * (row count, and the sums of credit_cost / amount over the same rows where the dataset has them). The
 * sums are the ones stored when the export was published, read in the snapshot the file was written
 * from (see runner.ts): the tables may have changed since, the file has not. An export published before
 * sums were stored has none.
 * @example const manifest = exportManifest({ config }, row);
 */
export function exportManifest(deps: { config: Config }, row: ExportsTable): Manifest {
  if (row.status !== 'completed' || !row.sha256) throw new Conflict(`Export is ${row.status}; a manifest exists once it is completed`);
  const params = parseParams(row.params);
  const sums = row.sums ? (JSON.parse(row.sums) as Record<string, number>) : {};
  const totals = Object.fromEntries(Object.entries(sums).map(([f, n]) => [f, roundTotal(Number(n))]));
  const { fields, from, to, timezone, row_limit: _limit, csv_bom: _bom, neutralize_formulas: _nf, ...filters } = params;
  return signManifest(manifestKey(deps.config.secret), {
    version: 1,
    kind: 'export',
    id: row.id,
    dataset: row.dataset,
    window: { from, to },
    filters: { ...filters, fields, timezone, scope: row.scope, format: row.format, compression: row.compression },
    files: [{ name: row.filename, rows: Number(row.record_count), bytes: Number(row.bytes), sha256: row.sha256 }],
    totals: { rows: Number(row.record_count), ...totals },
    created_at: new Date(Number(row.finished_at ?? Date.now())).toISOString(),
  });
}
