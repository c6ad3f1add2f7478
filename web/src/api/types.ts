/*
 * The public native API as the console sees it (GET /v1/datasets, /v1/exports, …).
 * Written against the documented contract, not imported from the server: no server code in the bundle.
 */

export type Role = 'owner' | 'admin' | 'member';
export type KeyScope = 'export' | 'ingest' | 'admin';
export type Scope = 'organization' | 'personal';
export type Format = 'csv' | 'json' | 'jsonl' | 'parquet' | 'xlsx';
export type Compression = 'none' | 'gzip';
export type FilterName = 'workspace_ids' | 'include_personal_workspaces' | 'entity_ids' | 'category' | 'group_by';
export type ExportStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'expired';

export interface Me {
  user: { id: string; email: string; name: string | null; role: Role };
  org: { id: string; name: string; user_level_data: boolean };
  scopes: KeyScope[];
  via: 'session' | 'api_key';
}

export interface Field {
  name: string;
  type: string;
  description: string;
  pii: boolean;
  default: boolean;
  group: string;
}

export interface Dataset {
  name: string;
  title: string;
  description: string;
  kind: 'records' | 'usage' | 'document';
  scopes: Scope[];
  filters: FilterName[];
  group_by: string[];
  org_wide: boolean;
  fields: Field[];
}

export interface Workspace {
  id: string;
  name: string;
  kind: 'team' | 'personal';
}

export interface ExportParams {
  fields: string[];
  from: string | null;
  to: string | null;
  timezone: string;
  workspace_ids: string[] | null;
  include_personal_workspaces: boolean | null;
  entity_ids: string[] | null;
  category: string | null;
  group_by: string | null;
  /** The resolved period as instants (end exclusive). */
  range?: { from: string; to: string };
}

export interface Export {
  id: string;
  dataset: string;
  scope: Scope;
  format: Format;
  compression: Compression;
  status: ExportStatus;
  params: ExportParams;
  created_by: { id: string; email: string | null; name: string | null };
  rows_written: number;
  estimated_total: number | null;
  record_count: number | null;
  bytes: number | null;
  sha256: string | null;
  error: string | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  expires_at: string | null;
  filename: string;
  notify_email?: string | null;
  download_url: string | null;
}

export interface ExportRequest {
  dataset: string;
  scope: Scope;
  format: Format;
  compression: Compression;
  fields: string[];
  from?: string;
  to?: string;
  timezone: string;
  workspace_ids?: string[];
  include_personal_workspaces?: boolean;
  entity_ids?: string[];
  category?: string;
  group_by?: string;
  notify_email?: string;
  source?: 'console';
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: KeyScope[];
  userId: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface OrgSettings {
  id: string;
  name: string;
  user_level_data: boolean;
  retention_days: number;
  notify_email: string | null;
}

export interface Page<T> {
  data: T[];
  next_cursor?: string | null;
}

export const ACTIVE_STATUSES: readonly ExportStatus[] = ['queued', 'running'];
export const isAdmin = (me: Me) => me.user.role === 'owner' || me.user.role === 'admin';
