/*
 * Field labels: the words the console (and anyone reading /v1/datasets) shows for a column, with the
 * column name secondary. Column names are public API and follow their vendor (`workbook_id` is Gumloop's
 * word for a workflow), so the words live beside them here rather than renaming anything. A name that
 * means different things in different datasets (`name`, `messages`, `source`) is labelled per dataset.
 */

/** `dataset.field` → label, for names whose meaning depends on the dataset. */
const PER_DATASET: Record<string, string> = {
  'credit_logs.name': 'What the credits were for',
  'credit_logs.type': 'Transaction type',
  'credit_logs.timestamp': 'Transaction time',
  'agent_interactions.name': 'Interaction title',
  'users_usage.name': 'User name',
  'users_usage.email': 'User email',
  'users_usage.model': 'Model',
  'models_usage.name': 'Model',
  'models_usage.source': 'Message source',
  'agents_usage.messages': 'Messages',
  'projects_usage.messages': 'Messages',
  'llm_logs.id': 'Log ID',
  'llm_logs.messages': 'Chat messages',
  'llm_logs.source': 'Log source',
  'llm_logs.user': 'End user',
  'llm_logs.created_at': 'Logged at',
  'llm_logs.updated_at': 'Updated at',
  'account.user': 'Your profile',
  'account.agents': 'Your agents',
  'account.workflows': 'Your workflows',
  'account.scheduledTasks': 'Your scheduled tasks',
  'account.exportedAt': 'Exported at',
  'account.version': 'Format version',
};

/** Field name → label, wherever the name appears. */
const LABELS: Record<string, string> = {
  // Workflows and runs (Gumloop's "workbook" is a workflow, "pl_run" a pipeline run).
  workbook_id: 'Workflow ID',
  workbook_name: 'Workflow name',
  workbook_created_ts: 'Workflow created at',
  workbook_updated_ts: 'Workflow updated at',
  workbook_enabled: 'Workflow enabled',
  pipeline: 'Workflow definition',
  run_id: 'Run ID',
  run_status: 'Run status',
  trigger: 'Trigger',
  credit_cost: 'Credits used',
  pl_run_created_ts: 'Run started at',
  pl_run_finished_ts: 'Run finished at',
  // People.
  user_id: 'User ID',
  user_email: 'User email',
  user_name: 'User name',
  email: 'Email',
  name: 'Name',
  role: 'Role',
  joined_at: 'Joined on',
  department: 'Department',
  company_name: 'Company',
  license_type: 'License',
  permission_group_id: 'Permission group ID',
  permission_group_name: 'Permission group',
  creator_id: 'Creator ID',
  creator_email: 'Creator email',
  creator_name: 'Creator name',
  // Teams.
  workspace_id: 'Workspace ID',
  workspace_name: 'Workspace',
  workspace_kind: 'Workspace kind',
  // Agents and interactions.
  agent_id: 'Agent ID',
  agent_name: 'Agent name',
  agent_description: 'Agent description',
  agent_model: 'Agent model',
  agent_system_prompt: 'System prompt',
  agent_created_ts: 'Agent created at',
  agent_updated_ts: 'Agent updated at',
  agent_tools: 'Agent tools',
  agent_metadata: 'Agent metadata',
  agent_status: 'Agent status',
  agent_url: 'Agent URL',
  interaction_id: 'Interaction ID',
  interaction_type: 'Interaction type',
  interaction_name: 'Interaction title',
  interaction_created_ts: 'Interaction started at',
  created_ts: 'Started at',
  trigger_type: 'Trigger type',
  llm_credit_cost: 'Model credits',
  tool_credit_cost: 'Tool credits',
  flow_credit_cost: 'Workflow credits',
  message_count: 'Messages',
  // Credit logs.
  timestamp: 'Time',
  category: 'Category',
  type: 'Type',
  amount: 'Amount',
  balance: 'Balance after',
  log_id: 'Credit log ID',
  entity_id: 'Charged item ID',
  correlation_id: 'Correlation ID',
  project_id: 'Project ID',
  balance_scope: 'Balance scope',
  // Usage periods (Langdock).
  period_start: 'Period start',
  period_end: 'Period end',
  org_id: 'Organization ID',
  payg_limit_current: 'Pay-as-you-go limit',
  payg_consumption_in_period: 'Pay-as-you-go spend in period',
  payg_utilization_pct_current: 'Pay-as-you-go used (%)',
  model: 'Model',
  messages: 'Messages',
  messages_total: 'Messages',
  messages_total_rank: 'Rank by messages',
  messages_chat: 'Chat messages',
  messages_chat_rank: 'Rank by chat messages',
  messages_assistants: 'Agent messages',
  messages_assistants_rank: 'Rank by agent messages',
  assistants_messaged: 'Agents messaged',
  assistants_to_messages: 'Messages per agent',
  messages_projects: 'Project messages',
  messages_projects_rank: 'Rank by project messages',
  projects_messaged: 'Projects messaged',
  projects_to_messages: 'Messages per project',
  model_to_messages_total: 'Messages per model',
  messages_api: 'API messages',
  messages_rank: 'Rank by messages',
  messages_per_user: 'Messages per user',
  conversations_total: 'Conversations',
  conversations: 'Conversations',
  unique_users: 'Unique users',
  active_users: 'Active users',
  users_total: 'Users',
  sum_prompt_tokens: 'Input tokens',
  sum_completion_tokens: 'Output tokens',
  sum_cached_prompt_tokens: 'Cached input tokens',
  sum_cache_creation_tokens: 'Cache-write input tokens',
  no_cache_tokens: 'Uncached input tokens',
  avg_prompt_tokens: 'Average input tokens',
  avg_completion_tokens: 'Average output tokens',
  min_prompt_tokens: 'Fewest input tokens',
  max_prompt_tokens: 'Most input tokens',
  min_completion_tokens: 'Fewest output tokens',
  max_completion_tokens: 'Most output tokens',
  total_cost_usd: 'Cost (USD)',
  requests: 'Requests',
  requests_rank: 'Rank by requests',
  provider: 'Provider',
  bring_your_keys: 'Own provider key (BYOK)',
  source: 'Source',
  deployment: 'Deployment',
  assistant_id: 'Agent ID',
  assistant_name: 'Agent name',
  assistant_description: 'Agent description',
  assistant_owner_id: 'Agent owner ID',
  assistant_owner_email: 'Agent owner email',
  assistant_url: 'Agent URL',
  project: 'Project',
  project_name: 'Project name',
  project_owner_id: 'Project owner ID',
  project_owner_email: 'Project owner email',
  api_key_id: 'API key ID',
  api_key_name: 'API key name',
  // LLM logs (Humanloop).
  session_id: 'Session ID',
  parent_id: 'Parent log ID',
  config: 'Model configuration',
  inputs: 'Prompt inputs',
  output: 'Output',
  output_message: 'Output message',
  judgment: 'Judgment',
  environment: 'Environment',
  feedback: 'Feedback',
  evaluation_results: 'Evaluation results',
  observability_status: 'Evaluation status',
  error: 'Error',
  stdout: 'Standard output',
  duration: 'Duration (s)',
  prompt_tokens: 'Input tokens',
  output_tokens: 'Output tokens',
  prompt_cost: 'Input cost (USD)',
  output_cost: 'Output cost (USD)',
  provider_latency: 'Provider latency (s)',
  tokens: 'Tokens',
  raw_output: 'Raw output',
  finish_reason: 'Finish reason',
  tools: 'Tools',
  tool_choice: 'Tool choice',
  batch_ids: 'Batch IDs',
  metadata: 'Metadata',
  reference_id: 'Reference ID',
  session_reference_id: 'Session reference ID',
  parent_reference_id: 'Parent reference ID',
  config_id: 'Configuration ID',
  source_datapoint_id: 'Source datapoint ID',
  save: 'Saved',
  provider_request: 'Provider request',
  provider_response: 'Provider response',
};

/** True when the catalogue has words for this field (a test holds every field to it). */
export const hasLabel = (dataset: string, field: string): boolean => Object.hasOwn(PER_DATASET, `${dataset}.${field}`) || Object.hasOwn(LABELS, field);

/**
 * The words for a field of a dataset; a field added without a label reads as its name in sentence case.
 * @example fieldLabel('workflow_runs', 'workbook_id') // 'Workflow ID'
 */
export function fieldLabel(dataset: string, field: string): string {
  const key = `${dataset}.${field}`;
  if (Object.hasOwn(PER_DATASET, key)) return PER_DATASET[key];
  if (Object.hasOwn(LABELS, field)) return LABELS[field];
  return sentenceCase(field);
}

/**
 * A code in words: `PIPELINE_RUN` → "Pipeline run", `scheduledTasks` → "Scheduled tasks", `api_key_id` → "Api key ID".
 * @example sentenceCase('AGENT_RUN') // 'Agent run'
 */
export function sentenceCase(code: string): string {
  const words = code
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/\b(id|url|usd)\b/g, (w) => w.toUpperCase());
  return words ? words[0].toUpperCase() + words.slice(1) : code;
}
