import type { ExportsTable } from '../db/schema.js';
import { ExportParamsSchema, type ExportParams } from './request.js';

const iso = (ms: number | null) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());
const num = (v: number | null) => (v === null || v === undefined ? null : Number(v));

/** The public shape of an export (native API, console, CLI). */
export interface ExportView {
  id: string;
  dataset: string;
  scope: string;
  format: string;
  compression: string;
  source: string;
  status: ExportsTable['status'];
  params: Omit<ExportParams, 'range'> & { range: { from: string; to: string } };
  created_by: { id: string; email: string | null; name: string | null };
  rows_written: number;
  estimated_total: number | null;
  record_count: number | null;
  bytes: number | null;
  sha256: string | null;
  error: string | null;
  attempts: number;
  cancel_requested: boolean;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  expires_at: string | null;
  filename: string;
  notify_email: string | null;
  webhook_url: string | null;
  /** Present when completed: GET it to be redirected to a fresh signed file URL. */
  download_url: string | null;
}

/** Reads stored params, re-validating them (the worker trusts nothing it reads back). */
export function parseParams(json: string): ExportParams {
  return ExportParamsSchema.parse(JSON.parse(json));
}

/** Maps a stored row (with its creator) to the public view; `baseUrl` makes download_url absolute. */
export function toExportView(row: ExportsTable & { user_email?: string | null; user_name?: string | null }, baseUrl = ''): ExportView {
  const params = parseParams(row.params);
  return {
    id: row.id,
    dataset: row.dataset,
    scope: row.scope,
    format: row.format,
    compression: row.compression,
    source: row.source,
    status: row.status,
    params: { ...params, range: { from: iso(params.range.from)!, to: iso(params.range.to)! } },
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

/** `sluice-workflow_runs-2025-01-01-2025-03-31-<id>.csv`: safe characters only. */
export function exportFilename(dataset: string, params: ExportParams, id: string, extension: string, localDate: (ms: number) => string): string {
  const from = localDate(params.range.from);
  const to = localDate(params.range.to - 1);
  return `sluice-${dataset}-${from}-${to}-${id}.${extension.replace(/^\./, "")}`.replace(/[^A-Za-z0-9._-]/g, '_');
}
