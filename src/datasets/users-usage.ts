import { defineFields } from './fields.js';
import type { Row } from './types.js';
import { countSource, PERIOD_FIELDS, round2, sumOf, usageDataset } from './usage.js';

/*
 * Langdock's users export: one row per user who sent messages in the period. Column names and meanings
 * follow Langdock's documentation ("assistants" are Sluice's agents, "projects" its projects); Sluice
 * adds API messages, conversations, tokens and cost as off-by-default extras.
 */

const fields = defineFields({
  ...PERIOD_FIELDS,
  user_id: { type: 'string', group: 'User', description: 'Id of the user', pii: 'pseudonym' },
  name: { type: 'string', group: 'User', description: 'Name of the user', pii: 'hidden' },
  email: { type: 'string', group: 'User', description: 'Email of the user', pii: 'hidden' },
  role: { type: 'string', group: 'User', description: 'Role of the user (owner, admin or member) at the time of the export' },
  joined_at: { type: 'date', group: 'User', description: 'Date the user joined the organization' },
  department: { type: 'string', group: 'User', description: "The user's department" },
  company_name: { type: 'string', group: 'User', description: "The user's company name" },
  license_type: { type: 'string', group: 'User', description: "The user's current license tier" },
  payg_limit_current: { type: 'number', group: 'Extra usage', description: "The user's current pay-as-you-go (extra usage) limit in USD; empty when none is set" },
  payg_consumption_in_period: { type: 'number', group: 'Extra usage', description: 'Model cost in USD of the user’s messages in the period (what counts against the limit)' },
  payg_utilization_pct_current: {
    type: 'number',
    group: 'Extra usage',
    description: 'payg_consumption_in_period / payg_limit_current × 100 (2 decimals); empty without a limit',
  },
  model: { type: 'string', group: 'Model', description: 'Model of this row (group_by=model only)', groupBy: 'model' },
  messages_total: { type: 'integer', group: 'Messages', description: 'Messages the user sent in the period' },
  messages_total_rank: { type: 'integer', group: 'Messages', description: 'Position among users by messages_total (1 = most; ties share a rank; per model when grouped)' },
  messages_chat: { type: 'integer', group: 'Messages', description: 'Messages sent in regular chats' },
  messages_chat_rank: { type: 'integer', group: 'Messages', description: 'Position among users by messages_chat (1 = most)' },
  messages_assistants: { type: 'integer', group: 'Agents', description: 'Messages sent to agents (Langdock: assistants)' },
  messages_assistants_rank: { type: 'integer', group: 'Agents', description: 'Position among users by messages_assistants (1 = most)' },
  assistants_messaged: { type: 'integer', group: 'Agents', description: 'Distinct agents the user messaged' },
  assistants_to_messages: { type: 'json', group: 'Agents', description: 'JSON object: agent id → messages the user sent to it' },
  messages_projects: { type: 'integer', group: 'Projects', description: 'Messages sent in project chats' },
  messages_projects_rank: { type: 'integer', group: 'Projects', description: 'Position among users by messages_projects (1 = most)' },
  projects_messaged: { type: 'integer', group: 'Projects', description: 'Distinct projects the user messaged' },
  projects_to_messages: { type: 'json', group: 'Projects', description: 'JSON object: project id → messages the user sent in it' },
  model_to_messages_total: { type: 'json', group: 'Model', description: 'JSON object: model → messages the user sent with it' },
  messages_api: { type: 'integer', group: 'Messages', description: 'Messages sent through the API', default: false },
  conversations_total: { type: 'integer', group: 'Messages', description: 'Distinct conversations the user took part in', default: false },
  sum_prompt_tokens: { type: 'integer', group: 'Tokens', description: 'Input tokens of the user’s messages', default: false },
  sum_completion_tokens: { type: 'integer', group: 'Tokens', description: 'Output tokens of the user’s messages', default: false },
  total_cost_usd: { type: 'number', group: 'Tokens', description: 'Model cost of the user’s messages in USD', default: false },
  permission_group_id: { type: 'string', group: 'User', description: "Id of the user's permission group", default: false },
  permission_group_name: { type: 'string', group: 'User', description: "Name of the user's permission group", default: false },
});

/** Micro-dollars: sums of float costs then agree to the digit on both databases. */
const round6 = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 1e6) / 1e6);

/** Per-user usage for a period (Langdock users export). */
export const usersUsage = usageDataset({
  name: 'users_usage',
  title: 'User usage',
  description: 'One row per user for the period: messages by kind, ranks, agents, projects and models used',
  fields,
  filters: ['group_by'],
  groupBy: ['model'],
  scopes: ['organization', 'personal'],
  keys: { user_id: 'm.user_id' },
  groups: { model: 'm.model' },
  measures: {
    messages_total: 'count(*)',
    messages_chat: countSource('chat'),
    messages_assistants: countSource('agent'),
    messages_projects: countSource('project'),
    messages_api: countSource('api'),
    assistants_messaged: 'count(distinct m.agent_id)',
    projects_messaged: 'count(distinct m.project_id)',
    conversations_total: 'count(distinct m.conversation_id)',
    sum_prompt_tokens: sumOf('m.prompt_tokens'),
    sum_completion_tokens: sumOf('m.completion_tokens'),
    total_cost_usd: sumOf('m.cost_usd'),
    payg_consumption_in_period: sumOf('m.cost_usd'),
  },
  ranks: {
    messages_total_rank: 'messages_total',
    messages_chat_rank: 'messages_chat',
    messages_assistants_rank: 'messages_assistants',
    messages_projects_rank: 'messages_projects',
  },
  maps: { assistants_to_messages: 'm.agent_id', projects_to_messages: 'm.project_id', model_to_messages_total: 'm.model' },
  personalKey: 'user_id',
  attach: (qb, q) =>
    qb
      .leftJoin('users as u', (j: any) => j.onRef('u.id', '=', 'agg.user_id').on('u.org_id', '=', q.orgId))
      .select([
        'u.name as name',
        'u.email as email',
        'u.role as role',
        'u.created_at as joined_at',
        'u.department as department',
        'u.company_name as company_name',
        'u.license_type as license_type',
        'u.payg_limit as payg_limit_current',
        'u.permission_group_id as permission_group_id',
        'u.permission_group_name as permission_group_name',
      ]),
  derive(row: Row) {
    row.payg_consumption_in_period = round6(row.payg_consumption_in_period ?? 0);
    row.total_cost_usd = round6(row.total_cost_usd);
    const limit = row.payg_limit_current === null || row.payg_limit_current === undefined ? null : Number(row.payg_limit_current);
    row.payg_limit_current = limit;
    row.payg_utilization_pct_current = limit !== null && limit > 0 ? round2((Number(row.payg_consumption_in_period) / limit) * 100) : null;
  },
});
