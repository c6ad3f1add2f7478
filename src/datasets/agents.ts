import { defineFields } from './fields.js';
import { whereIn, wherePersonal, whereRange, whereTeams } from './filters.js';
import { recordDataset } from './records.js';

/*
 * Gumloop's "agents" export: one row per agent with its configuration and creator. The date range applies
 * to the agent's creation time. The creator and workspace are LEFT JOINed: either may not be known yet.
 */

const fields = defineFields({
  agent_id: { type: 'string', group: 'Agent', description: 'Id of the agent' },
  agent_name: { type: 'string', group: 'Agent', description: 'Name of the agent', personalSpace: 'hide' },
  // Configuration, not user-level data: an org backing up its agents needs them whatever its privacy setting.
  agent_description: { type: 'string', group: 'Agent', description: 'Description of the agent' },
  agent_model: { type: 'string', group: 'Agent', description: 'Model the agent uses, e.g. gpt-4o' },
  agent_system_prompt: { type: 'string', group: 'Agent', description: "The agent's system prompt" },
  agent_created_ts: { type: 'timestamp', group: 'Agent', description: 'When the agent was created (the date range applies to this)' },
  agent_tools: { type: 'json', group: 'Agent', description: 'Tools the agent may call (JSON array)' },
  agent_metadata: { type: 'json', group: 'Agent', description: 'Free-form metadata the platform attached (JSON)' },
  creator_email: { type: 'string', group: 'Creator', description: 'Email of the user who created the agent', pii: 'hidden' },
  workspace_id: { type: 'string', group: 'Team', description: 'Id of the workspace (team or personal space) the agent belongs to' },
  workspace_name: { type: 'string', group: 'Team', description: 'Name of that workspace', personalSpace: 'label' },
  agent_status: { type: 'string', group: 'Agent', description: 'Current status of the agent, e.g. active, running, stopped', default: false },
  agent_updated_ts: { type: 'timestamp', group: 'Agent', description: 'When the agent was last changed', default: false },
  creator_id: { type: 'string', group: 'Creator', description: 'Id of the user who created the agent', pii: 'pseudonym', default: false },
  creator_name: { type: 'string', group: 'Creator', description: 'Display name of the user who created the agent', pii: 'hidden', default: false },
  workspace_kind: { type: 'string', group: 'Team', description: 'team or personal', default: false },
  agent_url: { type: 'string', group: 'Agent', description: 'Public URL of the agent on the platform', default: false },
});

/** Agent configurations (Gumloop "agents" export). */
export const agents = recordDataset({
  name: 'agents',
  title: 'Agents',
  description: 'Agent configurations: names, models, tools, system prompts and creators',
  fields,
  filters: ['workspace_ids', 'include_personal_workspaces', 'entity_ids'],
  scopes: ['organization', 'personal'],
  orgWide: false,
  columns: {
    agent_id: 'a.id',
    agent_name: 'a.name',
    agent_description: 'a.description',
    agent_model: 'a.model',
    agent_system_prompt: 'a.system_prompt',
    agent_created_ts: 'a.created_at',
    agent_tools: 'a.tools',
    agent_metadata: 'a.metadata',
    creator_email: 'u.email',
    workspace_id: 'a.workspace_id',
    workspace_name: 'ws.name',
    agent_status: 'a.status',
    agent_updated_ts: 'a.updated_at',
    creator_id: 'a.created_by',
    creator_name: 'u.name',
    workspace_kind: 'ws.kind',
    agent_url: 'a.url',
  },
  personalSpace: { kind: 'ws.kind', owner: 'ws.owner_user_id' },
  json: ['agent_tools', 'agent_metadata'],
  from(db, q) {
    let qb = db
      .selectFrom('agents as a')
      .leftJoin('users as u', (j) => j.onRef('u.org_id', '=', 'a.org_id').onRef('u.id', '=', 'a.created_by'))
      .leftJoin('workspaces as ws', (j) => j.onRef('ws.org_id', '=', 'a.org_id').onRef('ws.id', '=', 'a.workspace_id'))
      .where('a.org_id', '=', q.orgId);
    qb = whereRange(qb, 'a.created_at', q);
    qb = wherePersonal(qb, 'a.created_by', q);
    qb = whereTeams(qb, { workspaceId: 'a.workspace_id', workspaceKind: 'ws.kind' }, q);
    return whereIn(qb, 'a.id', q.entityIds);
  },
  sequenceTable: 'agents',
  sequenceColumn: 'a.seq',
  orderBy: [
    ['a.created_at', 'asc'],
    ['a.id', 'asc'],
  ],
});
