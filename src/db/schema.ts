import type { ColumnType } from 'kysely';
import type { Compression, ExportSource, ExportStatus, Format, Scope } from '../contract/vocabulary.js';

/*
 * Storage conventions, the same on both dialects so that no query needs to ask which one it runs on:
 * timestamps are epoch milliseconds (bigint), booleans are 0/1 integers, nested values are JSON text.
 */

type Ms = number;
type Bool = number;
type JsonText = string;
/** The per-org change sequence of a record table: set by ingest (and audit) from `org_sequences`, never by hand. */
type Seq = ColumnType<number, number | undefined, number>;

interface OrgScoped {
  org_id: string;
  id: string;
}

export interface OrgsTable {
  id: string;
  name: string;
  /** 1 when names and emails may appear in exports. */
  user_level_data: Bool;
  retention_days: number | null;
  notify_email: string | null;
  created_at: Ms;
}

export interface CredentialsTable {
  /** Lower-cased login email; unique across all orgs. */
  email: string;
  org_id: string;
  user_id: string;
  password_hash: string;
  created_at: Ms;
}

export interface SessionsTable {
  token_hash: string;
  org_id: string;
  user_id: string;
  created_at: Ms;
  expires_at: Ms;
}

export interface ApiKeysTable {
  id: string;
  org_id: string;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: JsonText;
  created_at: Ms;
  expires_at: Ms | null;
  last_used_at: Ms | null;
  revoked_at: Ms | null;
}

export interface AuditLogTable {
  seq: Seq;
  id: string;
  org_id: string;
  actor_user_id: string | null;
  actor_key_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: JsonText | null;
  created_at: Ms;
}

export interface WorkspacesTable extends OrgScoped {
  name: string;
  kind: string;
  owner_user_id: string | null;
  created_at: Ms;
}

export interface UsersTable extends OrgScoped {
  email: string;
  name: string | null;
  role: string;
  plan: string | null;
  department: string | null;
  company_name: string | null;
  license_type: string | null;
  referral_code: string | null;
  referral_credits: number | null;
  workspace_ids: JsonText | null;
  /** Pay-as-you-go (extra usage) limit in USD; null = none set. */
  payg_limit: number | null;
  permission_group_id: string | null;
  permission_group_name: string | null;
  created_at: Ms;
}

export interface WorkflowsTable extends OrgScoped {
  workspace_id: string;
  name: string;
  enabled: Bool;
  created_by: string;
  pipeline: JsonText | null;
  created_at: Ms;
  updated_at: Ms | null;
}

export interface WorkflowRunsTable extends OrgScoped {
  seq: Seq;
  workflow_id: string;
  user_id: string;
  status: string;
  trigger: string | null;
  credit_cost: number;
  created_at: Ms;
  finished_at: Ms | null;
}

export interface AgentsTable extends OrgScoped {
  seq: Seq;
  workspace_id: string;
  name: string;
  description: string | null;
  model: string;
  tools: JsonText;
  system_prompt: string | null;
  metadata: JsonText | null;
  status: string;
  /** Public URL of the agent on the platform. */
  url: string | null;
  created_by: string;
  created_at: Ms;
  updated_at: Ms;
}

export interface AgentInteractionsTable extends OrgScoped {
  seq: Seq;
  agent_id: string;
  user_id: string;
  interaction_type: string;
  name: string | null;
  trigger_type: string | null;
  credit_cost: number;
  llm_credit_cost: number | null;
  tool_credit_cost: number | null;
  flow_credit_cost: number | null;
  message_count: number;
  created_at: Ms;
}

export interface ProjectsTable extends OrgScoped {
  workspace_id: string | null;
  name: string;
  owner_id: string;
  created_at: Ms;
}

export interface PlatformApiKeysTable extends OrgScoped {
  name: string;
  created_by: string | null;
  created_at: Ms;
}

export interface MessagesTable extends OrgScoped {
  user_id: string | null;
  source: string;
  agent_id: string | null;
  project_id: string | null;
  api_key_id: string | null;
  model: string;
  provider: string;
  byok: Bool | null;
  deployment: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cached_prompt_tokens: number | null;
  cache_creation_tokens: number | null;
  cost_usd: number | null;
  conversation_id: string | null;
  created_at: Ms;
}

export interface CreditLogsTable extends OrgScoped {
  seq: Seq;
  user_id: string | null;
  workspace_id: string | null;
  category: string;
  type: string | null;
  name: string | null;
  amount: number;
  balance: number;
  entity_id: string | null;
  correlation_id: string | null;
  project_id: string | null;
  /** Whose balance the entry moved, e.g. organization or workspace. */
  balance_scope: string | null;
  permission_group_id: string | null;
  permission_group_name: string | null;
  created_at: Ms;
}

export interface ScheduledTasksTable extends OrgScoped {
  user_id: string;
  name: string;
  cron_schedule: string;
  enabled: Bool;
  created_at: Ms;
}

export interface LlmLogsTable extends OrgScoped {
  seq: Seq;
  project_id: string;
  session_id: string | null;
  parent_id: string | null;
  source: string | null;
  environment: string | null;
  user: string | null;
  created_at: Ms;
  updated_at: Ms | null;
  /** Every other Humanloop v4 log field, as one JSON object. */
  data: JsonText;
}


export type { ExportStatus } from '../contract/vocabulary.js';

export interface ExportsTable {
  id: string;
  org_id: string;
  user_id: string;
  key_id: string | null;
  /** Which surface asked: api, console, cli, gumloop, langdock… */
  source: ExportSource;
  dataset: string;
  scope: Scope;
  format: Format;
  compression: Compression;
  /** The validated request (ExportParams) as JSON. */
  params: JsonText;
  status: ExportStatus;
  attempt: number;
  max_attempts: number;
  run_after: Ms;
  lease_owner: string | null;
  lease_expires_at: Ms | null;
  cancel_requested: Bool;
  rows_written: number;
  estimated_total: number | null;
  record_count: number | null;
  bytes: number | null;
  sha256: string | null;
  blob_key: string | null;
  filename: string;
  error: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  notify_email: string | null;
  webhook_url: string | null;
  created_at: Ms;
  started_at: Ms | null;
  finished_at: Ms | null;
  expires_at: Ms | null;
  /** Outbox: when the completion email/webhook was sent; null while one is owed. */
  notified_at: Ms | null;
  /** Outbox: a sender holds the notification until then. */
  notify_claimed_until: Ms | null;
  /** The schedule that created this export (source `schedule`). */
  schedule_id: string | null;
  /** Scheduled exports with a destination: when the file (and manifest) reached it. */
  uploaded_at: Ms | null;
  /** Sums of credit_cost / amount over the file's rows as JSON (`{"credit_cost": 12.5}`), fixed at publish; null without such fields. */
  sums: JsonText | null;
}

export type DrainStatus = 'active' | 'paused' | 'error';

export interface DrainsTable {
  id: string;
  org_id: string;
  /** The creator: rows are read with their plan (scope, privacy). */
  user_id: string;
  name: string;
  dataset: string;
  scope: Scope;
  /** DrainParams as JSON: fields, timezone, filters. */
  params: JsonText;
  /** The destination without secrets, as JSON. */
  destination: JsonText;
  /** Sealed (AES-256-GCM) JSON of the destination's secrets. */
  secrets: string;
  status: DrainStatus;
  interval_seconds: number;
  /** Last change sequence acknowledged by the destination. */
  cursor: number;
  /** `start` as an instant: rows created before it are not delivered. */
  start_at: Ms | null;
  /** The batch being delivered (fixed before sending). */
  pending_from: number | null;
  pending_to: number | null;
  /** When the pending batch was fixed, epoch µs (names its S3 object, so a retry overwrites rather than duplicates). */
  pending_at: Ms | null;
  /** A replay in progress: next sequence to re-deliver, and the last. */
  replay_next: number | null;
  replay_to: number | null;
  attempt: number;
  run_after: Ms;
  lease_owner: string | null;
  lease_expires_at: Ms | null;
  consecutive_failures: number;
  last_delivery_at: Ms | null;
  last_error: string | null;
  records_delivered: number;
  deliveries_ok: number;
  deliveries_failed: number;
  created_at: Ms;
  updated_at: Ms;
}

export interface DrainDeliveriesTable {
  id: string;
  drain_id: string;
  org_id: string;
  /** manifest: the signed manifest of a finished S3 delivery day (its `objects` is the manifest object). */
  kind: 'delivery' | 'replay' | 'manifest';
  from_seq: number;
  to_seq: number;
  records: number;
  bytes: number;
  attempts: number;
  ok: Bool;
  http_status: number | null;
  /** The first 500 bytes of the destination's answer. */
  response: string | null;
  error: string | null;
  /** S3: the object keys written, JSON. */
  objects: JsonText | null;
  created_at: Ms;
}

export interface SchedulesTable {
  id: string;
  org_id: string;
  user_id: string;
  name: string;
  /** The export request (without from/to), JSON. */
  request: JsonText;
  /** A period (hour, day, week, month) or a five-field cron expression: see src/schedules/clock.ts. */
  every: string;
  timezone: string;
  destination: JsonText | null;
  secrets: string | null;
  notify_email: string | null;
  status: 'active' | 'paused';
  /** Start of the next window (inclusive), epoch ms. */
  next_from: Ms;
  attempt: number;
  run_after: Ms;
  lease_owner: string | null;
  lease_expires_at: Ms | null;
  last_error: string | null;
  created_at: Ms;
  updated_at: Ms;
}

/** A person's own console settings (no row: the defaults). */
export interface UserPreferencesTable {
  org_id: string;
  user_id: string;
  /** 1: console exports email their creator when they complete or fail. */
  email_on_completion: Bool;
  updated_at: Ms;
}

/** One counter per (org, table): the last change-sequence number handed out. */
export interface OrgSequencesTable {
  org_id: string;
  stream: string;
  last: number;
}

/** Every table Sluice owns. */
/** A row a drain filter cannot place until its parent arrives (see src/ingest/parents.ts). */
export interface SequenceOrphansTable {
  org_id: string;
  /** workflow_runs, agent_interactions or agents. */
  child_table: string;
  child_id: string;
  /** workflows, agents or workspaces: the first missing row of the child's join chain. */
  parent_table: string;
  parent_id: string;
}

export interface Database {
  exports: ExportsTable;
  orgs: OrgsTable;
  credentials: CredentialsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  workspaces: WorkspacesTable;
  users: UsersTable;
  workflows: WorkflowsTable;
  workflow_runs: WorkflowRunsTable;
  agents: AgentsTable;
  agent_interactions: AgentInteractionsTable;
  projects: ProjectsTable;
  platform_api_keys: PlatformApiKeysTable;
  messages: MessagesTable;
  credit_logs: CreditLogsTable;
  scheduled_tasks: ScheduledTasksTable;
  llm_logs: LlmLogsTable;
  org_sequences: OrgSequencesTable;
  drains: DrainsTable;
  drain_deliveries: DrainDeliveriesTable;
  schedules: SchedulesTable;
  user_preferences: UserPreferencesTable;
  sequence_orphans: SequenceOrphansTable;
}
