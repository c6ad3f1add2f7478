/*
 * The closed vocabularies of the native API. Typed unions end to end: the database columns, the engine,
 * the routes, the console and the CLI all use these.
 */

/** File formats an export can be written in. */
export const FORMATS = ['csv', 'json', 'jsonl', 'parquet', 'xlsx'] as const;
export type Format = (typeof FORMATS)[number];

/** Compression applied to the file. */
export const COMPRESSIONS = ['none', 'gzip'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** organization (admins: the whole org, or selected teams) or personal (only the caller's own rows). */
export const SCOPES = ['organization', 'personal'] as const;
export type Scope = (typeof SCOPES)[number];

/** Where an export request came from; shown in history and the audit log. */
export const EXPORT_SOURCES = ['api', 'console', 'cli', 'gumloop', 'langdock', 'schedule', 'drain'] as const;
export type ExportSource = (typeof EXPORT_SOURCES)[number];

/** An export's lifecycle: queued → running → completed (→ expired) | failed | cancelled. */
export const EXPORT_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'expired'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** Statuses an export never leaves (except completed → expired). */
export const TERMINAL_STATUSES: readonly ExportStatus[] = ['completed', 'failed', 'cancelled', 'expired'];

/** Roles of an org's users. */
export const ROLES = ['owner', 'admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

/** API key scopes: export (run and download exports), ingest (send records), admin (org settings, audit, all keys). */
export const API_KEY_SCOPES = ['export', 'ingest', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** How a session or key reached the API. */
export const VIAS = ['session', 'api_key'] as const;
export type CallerVia = (typeof VIAS)[number];

/** How a field's value is typed in every format (CSV text, JSON value). */
export const FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'timestamp', 'date', 'json'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** records (one row per event), usage (aggregated per period) or document (the account as it is now). */
export const DATASET_KINDS = ['records', 'usage', 'document'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

/** Filters a dataset may accept; anything else in a request for it is a 422. */
export const FILTER_NAMES = ['workspace_ids', 'include_personal_workspaces', 'entity_ids', 'category', 'permission_group_ids', 'group_by'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

/** Workspace kinds: shared teams, and each member's personal space. */
export const WORKSPACE_KINDS = ['team', 'personal'] as const;
export type WorkspaceKind = (typeof WORKSPACE_KINDS)[number];

/** Entities of the ingest data contract: the `POST /v1/ingest/{entity}` path segments. */
export const INGEST_ENTITIES = [
  'workspaces',
  'users',
  'workflows',
  'workflow_runs',
  'agents',
  'agent_interactions',
  'projects',
  'platform_api_keys',
  'messages',
  'credit_logs',
  'scheduled_tasks',
  'llm_logs',
] as const;
export type IngestEntity = (typeof INGEST_ENTITIES)[number];
