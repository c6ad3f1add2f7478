import type { Compression, ExportSource, ExportStatus, Format, Scope } from '../contract/vocabulary.js';

/*
 * Storage conventions, the same on both dialects so that no query needs to ask which one it runs on:
 * timestamps are epoch milliseconds (bigint), booleans are 0/1 integers, nested values are JSON text.
 */

type Ms = number;
type Bool = number;
type JsonText = string;

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
  workflow_id: string;
  user_id: string;
  status: string;
  trigger: string | null;
  credit_cost: number;
  created_at: Ms;
  finished_at: Ms | null;
}

export interface AgentsTable extends OrgScoped {
  workspace_id: string;
  name: string;
  description: string | null;
  model: string;
  tools: JsonText;
  system_prompt: string | null;
  metadata: JsonText | null;
  status: string;
  created_by: string;
  created_at: Ms;
  updated_at: Ms;
}

export interface AgentInteractionsTable extends OrgScoped {
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
  cost_usd: number | null;
  conversation_id: string | null;
  created_at: Ms;
}

export interface CreditLogsTable extends OrgScoped {
  user_id: string | null;
  workspace_id: string | null;
  category: string;
  type: string | null;
  name: string | null;
  amount: number;
  balance: number;
  entity_id: string | null;
  correlation_id: string | null;
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
}

/** Every table Sluice owns. */
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
}
