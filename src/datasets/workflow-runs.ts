import { defineFields } from './fields.js';
import { whereIn, wherePersonal, whereRange, whereTeams } from './filters.js';
import { recordDataset } from './records.js';

/*
 * Gumloop's "workflows" export: one row per run, with its workflow ("workbook"), the user who ran it and
 * the workflow's workspace. LEFT JOINs throughout: a run may arrive before its workflow or user, and the
 * export shows what is known (workbook_id comes from the run, so it is never lost).
 */

const fields = defineFields({
  workbook_id: { type: 'string', group: 'Workflow', description: 'Id of the workflow (Gumloop "workbook") that ran' },
  workbook_name: { type: 'string', group: 'Workflow', description: 'Name of the workflow; empty when the workflow is not known yet', personalSpace: 'hide' },
  workbook_created_ts: { type: 'timestamp', group: 'Workflow', description: 'When the workflow was created' },
  user_id: { type: 'string', group: 'User', description: 'Id of the user who ran the workflow', pii: 'pseudonym' },
  user_email: { type: 'string', group: 'User', description: 'Email of the user who ran the workflow', pii: 'hidden' },
  workspace_id: { type: 'string', group: 'Team', description: 'Id of the workspace (team or personal space) the workflow belongs to' },
  workspace_name: { type: 'string', group: 'Team', description: 'Name of that workspace', personalSpace: 'label' },
  run_id: { type: 'string', group: 'Run', description: 'Id of the run' },
  credit_cost: {
    type: 'number',
    group: 'Run',
    description: 'Credits the run consumed (its one credit log entry); failed and cancelled runs are charged only for the steps that ran before they stopped',
  },
  pl_run_created_ts: { type: 'timestamp', group: 'Run', description: 'When the run started (the date range applies to this)' },
  pl_run_finished_ts: { type: 'timestamp', group: 'Run', description: 'When the run finished; empty while running' },
  pipeline: { type: 'json', group: 'Workflow', description: "The workflow's pipeline definition (JSON)" },
  run_status: { type: 'string', group: 'Run', description: 'completed, failed, running or cancelled', default: false },
  trigger: { type: 'string', group: 'Run', description: 'What started the run, e.g. manual, schedule, api, webhook', default: false },
  user_name: { type: 'string', group: 'User', description: 'Display name of the user who ran the workflow', pii: 'hidden', default: false },
  workspace_kind: { type: 'string', group: 'Team', description: 'team or personal', default: false },
  workbook_enabled: { type: 'boolean', group: 'Workflow', description: 'Whether the workflow is enabled', default: false },
  workbook_updated_ts: { type: 'timestamp', group: 'Workflow', description: 'When the workflow was last changed', default: false },
});

/** Workflow runs (Gumloop "workflows" export). */
export const workflowRuns = recordDataset({
  name: 'workflow_runs',
  title: 'Workflow runs',
  description: 'Execution history: one row per run with credit cost, timestamps, workflow, user and team',
  fields,
  filters: ['workspace_ids', 'include_personal_workspaces', 'entity_ids'],
  scopes: ['organization', 'personal'],
  orgWide: false,
  columns: {
    workbook_id: 'r.workflow_id',
    workbook_name: 'w.name',
    workbook_created_ts: 'w.created_at',
    user_id: 'r.user_id',
    user_email: 'u.email',
    workspace_id: 'w.workspace_id',
    workspace_name: 'ws.name',
    run_id: 'r.id',
    credit_cost: 'r.credit_cost',
    pl_run_created_ts: 'r.created_at',
    pl_run_finished_ts: 'r.finished_at',
    pipeline: 'w.pipeline',
    run_status: 'r.status',
    trigger: 'r.trigger',
    user_name: 'u.name',
    workspace_kind: 'ws.kind',
    workbook_enabled: 'w.enabled',
    workbook_updated_ts: 'w.updated_at',
  },
  personalSpace: { kind: 'ws.kind', owner: 'ws.owner_user_id' },
  json: ['pipeline'],
  repeatedJson: ['pipeline'],
  from(db, q) {
    let qb = db
      .selectFrom('workflow_runs as r')
      .leftJoin('workflows as w', (j) => j.onRef('w.org_id', '=', 'r.org_id').onRef('w.id', '=', 'r.workflow_id'))
      .leftJoin('users as u', (j) => j.onRef('u.org_id', '=', 'r.org_id').onRef('u.id', '=', 'r.user_id'))
      .leftJoin('workspaces as ws', (j) => j.onRef('ws.org_id', '=', 'w.org_id').onRef('ws.id', '=', 'w.workspace_id'))
      .where('r.org_id', '=', q.orgId);
    qb = whereRange(qb, 'r.created_at', q);
    qb = wherePersonal(qb, 'r.user_id', q);
    qb = whereTeams(qb, { workspaceId: 'w.workspace_id', workspaceKind: 'ws.kind' }, q);
    return whereIn(qb, 'r.workflow_id', q.entityIds);
  },
  sequenceTable: 'workflow_runs',
  sequenceColumn: 'r.seq',
  orderBy: [
    ['r.created_at', 'asc'],
    ['r.id', 'asc'],
  ],
});
