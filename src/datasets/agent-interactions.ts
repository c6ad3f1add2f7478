import { defineFields } from './fields.js';
import { whereIn, wherePersonal, whereRange, whereTeams } from './filters.js';
import { recordDataset } from './records.js';

/*
 * One row per agent interaction (a chat, a Slack thread, an API call, a triggered run), with Gumloop-style
 * names. Team selection goes through the agent's workspace; the agent and user are LEFT JOINed.
 */

const fields = defineFields({
  interaction_id: { type: 'string', group: 'Interaction', description: 'Id of the interaction' },
  agent_id: { type: 'string', group: 'Agent', description: 'Id of the agent that was used' },
  agent_name: { type: 'string', group: 'Agent', description: 'Name of the agent; empty when the agent is not known yet', personalSpace: 'hide' },
  user_id: { type: 'string', group: 'User', description: 'Id of the user who interacted with the agent', pii: 'pseudonym' },
  user_email: { type: 'string', group: 'User', description: 'Email of that user', pii: 'hidden' },
  interaction_type: { type: 'string', group: 'Interaction', description: 'chat, slack, api or triggered' },
  name: { type: 'string', group: 'Interaction', description: 'Title of the interaction, e.g. the chat title', pii: 'hidden' },
  trigger_type: { type: 'string', group: 'Interaction', description: 'What triggered it, for triggered interactions' },
  credit_cost: { type: 'number', group: 'Credits', description: 'Total credits the interaction consumed' },
  llm_credit_cost: { type: 'number', group: 'Credits', description: 'Credits spent on model calls' },
  tool_credit_cost: { type: 'number', group: 'Credits', description: 'Credits spent on tool calls' },
  flow_credit_cost: { type: 'number', group: 'Credits', description: 'Credits spent on workflows the agent ran' },
  message_count: { type: 'integer', group: 'Interaction', description: 'Number of messages in the interaction' },
  created_ts: { type: 'timestamp', group: 'Interaction', description: 'When the interaction started (the date range applies to this)' },
  workspace_id: { type: 'string', group: 'Team', description: "Id of the agent's workspace" },
  workspace_name: { type: 'string', group: 'Team', description: "Name of the agent's workspace", personalSpace: 'label' },
  user_name: { type: 'string', group: 'User', description: 'Display name of the user', pii: 'hidden', default: false },
  workspace_kind: { type: 'string', group: 'Team', description: 'team or personal', default: false },
  // Gumloop's own column names for `name` and `created_ts`, which existing scripts ask for.
  interaction_name: { type: 'string', group: 'Interaction', description: 'Title of the interaction (Gumloop name of `name`)', pii: 'hidden', default: false },
  interaction_created_ts: { type: 'timestamp', group: 'Interaction', description: 'When the interaction started (Gumloop name of `created_ts`)', default: false },
});

/** Agent interactions with their credit breakdown. */
export const agentInteractions = recordDataset({
  name: 'agent_interactions',
  title: 'Agent interactions',
  description: 'Every chat, Slack, API or triggered interaction with an agent, with its credit breakdown',
  fields,
  filters: ['workspace_ids', 'include_personal_workspaces', 'entity_ids'],
  scopes: ['organization', 'personal'],
  orgWide: false,
  columns: {
    interaction_id: 'i.id',
    agent_id: 'i.agent_id',
    agent_name: 'a.name',
    user_id: 'i.user_id',
    user_email: 'u.email',
    interaction_type: 'i.interaction_type',
    name: 'i.name',
    trigger_type: 'i.trigger_type',
    credit_cost: 'i.credit_cost',
    llm_credit_cost: 'i.llm_credit_cost',
    tool_credit_cost: 'i.tool_credit_cost',
    flow_credit_cost: 'i.flow_credit_cost',
    message_count: 'i.message_count',
    created_ts: 'i.created_at',
    workspace_id: 'a.workspace_id',
    workspace_name: 'ws.name',
    user_name: 'u.name',
    workspace_kind: 'ws.kind',
    interaction_name: 'i.name',
    interaction_created_ts: 'i.created_at',
  },
  personalSpace: { kind: 'ws.kind', owner: 'ws.owner_user_id' },
  from(db, q) {
    let qb = db
      .selectFrom('agent_interactions as i')
      .leftJoin('agents as a', (j) => j.onRef('a.org_id', '=', 'i.org_id').onRef('a.id', '=', 'i.agent_id'))
      .leftJoin('users as u', (j) => j.onRef('u.org_id', '=', 'i.org_id').onRef('u.id', '=', 'i.user_id'))
      .leftJoin('workspaces as ws', (j) => j.onRef('ws.org_id', '=', 'a.org_id').onRef('ws.id', '=', 'a.workspace_id'))
      .where('i.org_id', '=', q.orgId);
    qb = whereRange(qb, 'i.created_at', q);
    qb = wherePersonal(qb, 'i.user_id', q);
    qb = whereTeams(qb, { workspaceId: 'a.workspace_id', workspaceKind: 'ws.kind' }, q);
    return whereIn(qb, 'i.agent_id', q.entityIds);
  },
  sequenceTable: 'agent_interactions',
  sequenceColumn: 'i.seq',
  orderBy: [
    ['i.created_at', 'asc'],
    ['i.id', 'asc'],
  ],
});
