import { ExportParamsSchema, type Export, type ExportParams } from '../contract/exports.js';
import type { ExportsTable } from '../db/schema.js';

const iso = (ms: number | null) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());
const num = (v: number | null) => (v === null || v === undefined ? null : Number(v));

/** A stored export with its creator's name and email (what the engine reads back). */
export type ExportRow = ExportsTable & { user_email: string | null; user_name: string | null };

/** Reads stored params, re-validating them (the worker trusts nothing it reads back). */
export function parseParams(json: string): ExportParams {
  return ExportParamsSchema.parse(JSON.parse(json));
}

/** Maps a stored row (with its creator) to the public view; `baseUrl` makes download_url absolute. */
export function toExportView(row: ExportRow, baseUrl = ''): Export {
  return {
    id: row.id,
    dataset: row.dataset,
    scope: row.scope,
    format: row.format,
    compression: row.compression,
    source: row.source,
    status: row.status,
    params: parseParams(row.params),
    created_by: { id: row.user_id, email: row.user_email ?? null, name: row.user_name ?? null },
    rows_written: Number(row.rows_written),
    estimated_total: num(row.estimated_total),
    record_count: num(row.record_count),
    bytes: num(row.bytes),
    sha256: row.sha256,
    error: row.error,
    attempts: Number(row.attempt),
    cancel_requested: Number(row.cancel_requested) === 1,
    created_at: iso(row.created_at)!,
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    expires_at: iso(row.expires_at),
    filename: row.filename,
    notify_email: row.notify_email,
    webhook_url: row.webhook_url,
    download_url: row.status === 'completed' ? `${baseUrl}/v1/exports/${row.id}/download` : null,
  };
}

/** `sluice-workflow_runs-2025-01-01-2025-03-31-<id>.csv`: safe characters only (`to` is inclusive). */
export function exportFilename(dataset: string, params: ExportParams, id: string, extension: string, localDate: (ms: number) => string): string {
  const from = localDate(Date.parse(params.from));
  const to = localDate(Date.parse(params.to));
  return `sluice-${dataset}-${from}-${to}-${id}.${extension.replace(/^\./, '')}`.replace(/[^A-Za-z0-9._-]/g, '_');
}
