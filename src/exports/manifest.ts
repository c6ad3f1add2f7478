import { getOrg } from '../auth/accounts.js';
import type { Config } from '../config/config.js';
import { getDataset } from '../datasets/catalogue.js';
import type { Store } from '../db/database.js';
import type { ExportsTable } from '../db/schema.js';
import { Conflict } from '../errors.js';
import { SUMMED_FIELDS, manifestKey, roundTotal, signManifest, type Manifest } from '../schedules/manifest.js';
import { parseParams } from './model.js';
import { toDatasetQuery } from './plan.js';

/**
 * The signed manifest of a completed export: its file (rows, bytes, sha256), window, filters and totals
 * (row count, and the sums of credit_cost / amount over the same rows where the dataset has them).
 * @example const manifest = await exportManifest({ store, config }, row);
 */
export async function exportManifest(deps: { store: Store; config: Config }, row: ExportsTable): Promise<Manifest> {
  if (row.status !== 'completed' || !row.sha256) throw new Conflict(`Export is ${row.status}; a manifest exists once it is completed`);
  const params = parseParams(row.params);
  const dataset = getDataset(row.dataset);
  const summed = SUMMED_FIELDS.filter((f) => dataset.fields.some((d) => d.name === f));
  const totals: Record<string, number> = {};
  if (summed.length > 0 && dataset.kind === 'records') {
    const org = await getOrg(deps.store, row.org_id);
    const query = { ...toDatasetQuery({ orgId: row.org_id, userId: row.user_id, scope: row.scope }, params, org, deps.config.secret), fields: summed };
    for (const f of summed) totals[f] = 0;
    for await (const batch of dataset.batches(deps.store, query)) for (const r of batch) for (const f of summed) totals[f] += Number(r[f] ?? 0);
    for (const f of summed) totals[f] = roundTotal(totals[f]);
  }
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
