import { sql } from 'kysely';
import { defineFields } from './fields.js';
import { PERIOD_FIELDS, round2, sumOf, usageDataset } from './usage.js';
import type { Row } from './types.js';

/*
 * Langdock's agents ("assistants") export: one row per agent messaged in the period. Column names follow
 * Langdock (assistant_*); the token columns Langdock shows to BYOK workspaces are always present here
 * (empty when the platform sends no token counts). Owner email and description follow the privacy rule.
 */

const fields = defineFields({
  ...PERIOD_FIELDS,
  assistant_id: { type: 'string', group: 'Agent', description: 'Id of the agent' },
  assistant_name: { type: 'string', group: 'Agent', description: 'Name of the agent; empty when the agent is not known (or, with user-level data off, lives in a personal workspace)' },
  model: { type: 'string', group: 'Model', description: 'Model of this row (group_by=model only)', groupBy: 'model' },
  messages: { type: 'integer', group: 'Usage', description: 'Messages users sent to the agent in the period' },
  unique_users: { type: 'integer', group: 'Usage', description: 'Distinct users who messaged the agent' },
  active_users: { type: 'integer', group: 'Usage', description: 'Active users of the agent (Sluice counts users who messaged it, as unique_users)' },
  conversations: { type: 'integer', group: 'Usage', description: 'Distinct conversations with the agent' },
  messages_per_user: { type: 'number', group: 'Usage', description: 'Average messages per active user (2 decimals)' },
  assistant_description: { type: 'string', group: 'Agent', description: 'Description of the agent', pii: 'hidden' },
  // Langdock leaves owner ids as they are with user-level data off; only names and emails go.
  assistant_owner_id: { type: 'string', group: 'Owner', description: 'Id of the user who owns the agent' },
  assistant_owner_email: { type: 'string', group: 'Owner', description: 'Email of the user who owns the agent', pii: 'hidden' },
  assistant_url: { type: 'string', group: 'Agent', description: 'Public URL of the agent on the platform' },
  sum_prompt_tokens: { type: 'integer', group: 'Tokens', description: 'Total input tokens' },
  avg_prompt_tokens: { type: 'number', group: 'Tokens', description: 'Average input tokens per request (2 decimals)' },
  min_prompt_tokens: { type: 'integer', group: 'Tokens', description: 'Minimum input tokens per request' },
  max_prompt_tokens: { type: 'integer', group: 'Tokens', description: 'Maximum input tokens per request' },
  sum_completion_tokens: { type: 'integer', group: 'Tokens', description: 'Total output tokens' },
  avg_completion_tokens: { type: 'number', group: 'Tokens', description: 'Average output tokens per request (2 decimals)' },
  min_completion_tokens: { type: 'integer', group: 'Tokens', description: 'Minimum output tokens per request' },
  max_completion_tokens: { type: 'integer', group: 'Tokens', description: 'Maximum output tokens per request' },
  messages_rank: { type: 'integer', group: 'Usage', description: 'Position among agents by messages (1 = most; per model when grouped)', default: false },
  model_to_messages_total: { type: 'json', group: 'Model', description: 'JSON object: model → messages sent to the agent with it', default: false },
  total_cost_usd: { type: 'number', group: 'Tokens', description: 'Model cost of the agent’s messages in USD', default: false },
});

/** Per-agent usage for a period (Langdock assistants/agents export). */
export const agentsUsage = usageDataset({
  name: 'agents_usage',
  title: 'Agent usage',
  description: 'One row per agent for the period: messages, users, conversations and tokens',
  fields,
  filters: ['group_by'],
  groupBy: ['model'],
  scopes: ['organization'],
  keys: { assistant_id: 'm.agent_id' },
  groups: { model: 'm.model' },
  measures: {
    messages: 'count(*)',
    unique_users: 'count(distinct m.user_id)',
    conversations: 'count(distinct m.conversation_id)',
    sum_prompt_tokens: sumOf('m.prompt_tokens'),
    avg_prompt_tokens: 'avg(m.prompt_tokens)',
    min_prompt_tokens: 'min(m.prompt_tokens)',
    max_prompt_tokens: 'max(m.prompt_tokens)',
    sum_completion_tokens: sumOf('m.completion_tokens'),
    avg_completion_tokens: 'avg(m.completion_tokens)',
    min_completion_tokens: 'min(m.completion_tokens)',
    max_completion_tokens: 'max(m.completion_tokens)',
    total_cost_usd: sumOf('m.cost_usd'),
  },
  ranks: { messages_rank: 'messages' },
  maps: { model_to_messages_total: 'm.model' },
  attach: (qb, q) =>
    qb
      .leftJoin('agents as a', (j: any) => j.onRef('a.id', '=', 'agg.assistant_id').on('a.org_id', '=', q.orgId))
      .leftJoin('users as o', (j: any) => j.onRef('o.id', '=', 'a.created_by').on('o.org_id', '=', q.orgId))
      .leftJoin('workspaces as ws', (j: any) => j.onRef('ws.id', '=', 'a.workspace_id').on('ws.org_id', '=', q.orgId))
      .select([
        // An agent in a personal workspace is named after its owner's work: hidden with user-level data off (personal-space.ts).
        q.userLevelData ? sql.ref('a.name').as('assistant_name') : sql`CASE WHEN ws.kind = 'personal' THEN NULL ELSE a.name END`.as('assistant_name'),
        'a.description as assistant_description',
        'a.created_by as assistant_owner_id',
        'o.email as assistant_owner_email',
        'a.url as assistant_url',
      ]),
  derive(row: Row) {
    row.active_users = row.unique_users;
    const users = Number(row.unique_users);
    row.messages_per_user = users > 0 ? round2(Number(row.messages) / users) : null;
    row.avg_prompt_tokens = round2(row.avg_prompt_tokens);
    row.avg_completion_tokens = round2(row.avg_completion_tokens);
  },
});
