import { z } from 'zod';
import type { IngestEntity } from '../contract/vocabulary.js';
import type { Database } from '../db/schema.js';
import { bool, id, int, json, jsonArray, num, oneOf, opt, text, timestamp } from './fields.js';

/*
 * The public data contract (DESIGN.md "The data contract"): one zod schema per entity whose output is
 * the stored row minus `org_id`. Unknown fields are ignored so that platforms can send more than we keep.
 */

const workspaces = z.object({
  id: id(),
  name: text(),
  kind: oneOf(['team', 'personal']),
  owner_user_id: opt(id()),
  created_at: timestamp(),
});

const users = z.object({
  id: id(),
  email: z.string({ error: 'must be an email address' }).email('must be an email address').max(320),
  name: opt(text()),
  role: oneOf(['owner', 'admin', 'member']),
  plan: opt(text()),
  department: opt(text()),
  company_name: opt(text()),
  license_type: opt(text()),
  referral_code: opt(text()),
  referral_credits: opt(num()),
  workspace_ids: opt(z.array(id(), { error: 'must be an array of ids' }).transform((v) => JSON.stringify(v))),
  payg_limit: opt(num().min(0, 'must be a number ≥ 0')),
  permission_group_id: opt(id()),
  permission_group_name: opt(text()),
  created_at: timestamp(),
});

const workflows = z.object({
  id: id(),
  workspace_id: id(),
  name: text(),
  enabled: bool(),
  created_by: id(),
  pipeline: opt(json()),
  created_at: timestamp(),
  updated_at: opt(timestamp()),
});

const workflow_runs = z.object({
  id: id(),
  workflow_id: id(),
  user_id: id(),
  status: oneOf(['completed', 'failed', 'running', 'cancelled']),
  trigger: opt(text()),
  credit_cost: num(),
  created_at: timestamp(),
  finished_at: opt(timestamp()),
});

const agents = z.object({
  id: id(),
  workspace_id: id(),
  name: text(),
  description: opt(text()),
  model: text(),
  tools: jsonArray(),
  system_prompt: opt(text()),
  metadata: opt(json()),
  status: text(),
  url: opt(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048)),
  created_by: id(),
  created_at: timestamp(),
  updated_at: timestamp(),
});

const agent_interactions = z.object({
  id: id(),
  agent_id: id(),
  user_id: id(),
  interaction_type: oneOf(['chat', 'slack', 'api', 'triggered']),
  name: opt(text()),
  trigger_type: opt(text()),
  credit_cost: num(),
  llm_credit_cost: opt(num()),
  tool_credit_cost: opt(num()),
  flow_credit_cost: opt(num()),
  message_count: int(),
  created_at: timestamp(),
});

const projects = z.object({
  id: id(),
  workspace_id: opt(id()),
  name: text(),
  owner_id: id(),
  created_at: timestamp(),
});

const platform_api_keys = z.object({
  id: id(),
  name: text(),
  created_by: opt(id()),
  created_at: timestamp(),
});

const messages = z.object({
  id: id(),
  user_id: opt(id()),
  source: oneOf(['chat', 'agent', 'project', 'api']),
  agent_id: opt(id()),
  project_id: opt(id()),
  api_key_id: opt(id()),
  model: text(),
  provider: text(),
  byok: opt(bool()),
  deployment: opt(text()),
  prompt_tokens: opt(int()),
  completion_tokens: opt(int()),
  cached_prompt_tokens: opt(int()),
  cache_creation_tokens: opt(int()),
  cost_usd: opt(num()),
  conversation_id: opt(id()),
  created_at: timestamp(),
});

const credit_logs = z.object({
  id: id(),
  user_id: opt(id()),
  workspace_id: opt(id()),
  category: text().min(1, 'must be a non-empty string'),
  type: opt(text()),
  name: opt(text()),
  amount: num(),
  balance: num(),
  entity_id: opt(id()),
  correlation_id: opt(id()),
  project_id: opt(id()),
  balance_scope: opt(text()),
  permission_group_id: opt(id()),
  permission_group_name: opt(text()),
  created_at: timestamp(),
});

const scheduled_tasks = z.object({
  id: id(),
  user_id: id(),
  name: text(),
  cron_schedule: text().min(1, 'must be a cron expression'),
  enabled: bool(),
  created_at: timestamp(),
});

/** Humanloop v4 log: a few columns we filter and sort on; every other field kept verbatim in `data`. */
const llm_logs = z
  .looseObject({
    id: id(),
    project_id: id(),
    session_id: opt(id()),
    parent_id: opt(id()),
    source: opt(text()),
    environment: opt(text()),
    user: opt(text()),
    created_at: timestamp(),
    updated_at: opt(timestamp()),
  })
  .transform(({ id, project_id, session_id, parent_id, source, environment, user, created_at, updated_at, ...rest }) => ({
    id,
    project_id,
    session_id,
    parent_id,
    source,
    environment,
    user,
    created_at,
    updated_at,
    data: JSON.stringify(rest),
  }));

/** Entity name → schema. The entity names are the ingest URL path segments and public API. */
export const entities = {
  workspaces,
  users,
  workflows,
  workflow_runs,
  agents,
  agent_interactions,
  projects,
  platform_api_keys,
  messages,
  credit_logs,
  scheduled_tasks,
  llm_logs,
// Exactly the contract's entities (the route's path enum), each producing its table's row (seq is set by ingest).
} satisfies { [K in IngestEntity]: z.ZodType<Omit<Database[K], 'org_id' | 'seq'>, any> };

export type EntityName = keyof typeof entities;
export const entityNames = Object.keys(entities) as EntityName[];

export function isEntityName(name: string): name is EntityName {
  return Object.hasOwn(entities, name);
}

/** The row type an entity's schema produces (its table row without org_id). */
export type EntityRow<E extends EntityName> = z.output<(typeof entities)[E]>;
/** What a platform sends for an entity. */
export type EntityInput<E extends EntityName> = z.input<(typeof entities)[E]>;
