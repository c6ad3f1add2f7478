/*
 * The databases' own CSV tools on the same joined query as the workflow_runs export (same joins,
 * columns, order and ISO 8601 UTC timestamps): `sqlite3 -csv` and `psql \copy … CSV`.
 */
import { spawnSync } from 'node:child_process';
import type { DemoData } from './demo-data.js';

const COLUMNS: Record<string, string> = {
  workbook_id: 'r.workflow_id', workbook_name: 'w.name', workbook_created_ts: 'w.created_at', user_id: 'r.user_id', user_email: 'u.email',
  workspace_id: 'w.workspace_id', workspace_name: 'ws.name', run_id: 'r.id', credit_cost: 'r.credit_cost', pl_run_created_ts: 'r.created_at',
  pl_run_finished_ts: 'r.finished_at', pipeline: 'w.pipeline',
};
const TIMESTAMPS = new Set(['workbook_created_ts', 'pl_run_created_ts', 'pl_run_finished_ts']);

export function nativeSql(dialect: 'sqlite' | 'postgres', orgId: string, fields: readonly string[]): string {
  const ts = (c: string) =>
    dialect === 'sqlite'
      ? `strftime('%Y-%m-%dT%H:%M:%fZ', ${c} / 1000.0, 'unixepoch')`
      : `to_char(to_timestamp(${c} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const select = fields.map((f) => `${TIMESTAMPS.has(f) ? ts(COLUMNS[f]) : COLUMNS[f]} AS ${f}`).join(', ');
  return `SELECT ${select} FROM workflow_runs r
    LEFT JOIN workflows w ON w.org_id = r.org_id AND w.id = r.workflow_id
    LEFT JOIN users u ON u.org_id = r.org_id AND u.id = r.user_id
    LEFT JOIN workspaces ws ON ws.org_id = w.org_id AND ws.id = w.workspace_id
    WHERE r.org_id = '${orgId}' ORDER BY r.created_at, r.id`.replace(/\s+/g, ' ');
}

/** Runs the native tool into `out`; returns its wall time in seconds. */
export function runNative(data: DemoData, fields: readonly string[], out: string): number {
  const t = process.hrtime.bigint();
  const r =
    data.dialect === 'sqlite'
      ? spawnSync('sh', ['-c', `sqlite3 -csv -header '${data.database.dialect === 'sqlite' ? data.database.path : ''}' "${nativeSql('sqlite', data.orgId, fields)}" > '${out}'`], { stdio: 'inherit' })
      : spawnSync('psql', [data.database.dialect === 'postgres' ? data.database.url : '', '-q', '-c', `\\copy (${nativeSql('postgres', data.orgId, fields)}) TO '${out}' WITH CSV HEADER`], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`native export failed (exit ${r.status})`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}
