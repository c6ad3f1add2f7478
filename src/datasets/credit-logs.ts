import { defineFields } from './fields.js';
import { whereIn, wherePersonal, whereRange } from './filters.js';
import { recordDataset } from './records.js';

/*
 * Gumloop's "credit logs" export: every credit transaction. Always org-wide (no team selection, as in
 * Gumloop); `category` narrows it to one category such as PIPELINE_RUN.
 */

const fields = defineFields({
  user_email: { type: 'string', group: 'User', description: 'Email of the user the transaction is attributed to', pii: 'hidden' },
  timestamp: { type: 'timestamp', group: 'Transaction', description: 'When the transaction happened (the date range applies to this)' },
  category: { type: 'string', group: 'Transaction', description: 'Category, e.g. PIPELINE_RUN, AGENT_RUN, PURCHASE' },
  type: { type: 'string', group: 'Transaction', description: 'Sub-type of the transaction within its category' },
  name: { type: 'string', group: 'Transaction', description: 'What the credits were for, e.g. the workflow or agent name', personalSpace: 'hide' },
  amount: { type: 'number', group: 'Transaction', description: 'Credits added (positive) or deducted (negative)' },
  balance: { type: 'number', group: 'Transaction', description: 'Credit balance after the transaction' },
  log_id: { type: 'string', group: 'Transaction', description: 'Id of the credit log entry' },
  user_id: { type: 'string', group: 'User', description: 'Id of the user the transaction is attributed to', pii: 'pseudonym', default: false },
  workspace_id: { type: 'string', group: 'Team', description: 'Id of the workspace the transaction is attributed to', default: false },
  entity_id: { type: 'string', group: 'Transaction', description: 'Id of the run, agent or purchase that caused it', default: false },
  correlation_id: { type: 'string', group: 'Transaction', description: 'Id shared by transactions of one operation', default: false },
  permission_group_id: { type: 'string', group: 'User', description: 'Id of the permission group the transaction is attributed to', default: false },
  permission_group_name: { type: 'string', group: 'User', description: 'Name of that permission group', default: false },
  project_id: { type: 'string', group: 'Transaction', description: 'Id of the project the credits were spent in', default: false },
  balance_scope: { type: 'string', group: 'Transaction', description: 'Whose balance moved, e.g. organization or workspace', default: false },
});

/** Credit transactions (Gumloop "credit logs" export). */
export const creditLogs = recordDataset({
  name: 'credit_logs',
  title: 'Credit logs',
  description:
    'Complete credit transaction history: charges, purchases, balances, categories and users. Every workflow run and agent interaction ' +
    'is charged by one entry (entity_id = its id, amount = minus its credit_cost); failed and cancelled runs are charged only for the steps that ran',
  fields,
  filters: ['category', 'permission_group_ids'],
  scopes: ['organization', 'personal'],
  orgWide: true,
  columns: {
    user_email: 'u.email',
    timestamp: 'c.created_at',
    category: 'c.category',
    type: 'c.type',
    name: 'c.name',
    amount: 'c.amount',
    balance: 'c.balance',
    log_id: 'c.id',
    user_id: 'c.user_id',
    workspace_id: 'c.workspace_id',
    entity_id: 'c.entity_id',
    correlation_id: 'c.correlation_id',
    permission_group_id: 'c.permission_group_id',
    permission_group_name: 'c.permission_group_name',
    project_id: 'c.project_id',
    balance_scope: 'c.balance_scope',
  },
  personalSpace: { kind: 'ws.kind', owner: 'ws.owner_user_id' },
  from(db, q) {
    let qb = db
      .selectFrom('credit_logs as c')
      .leftJoin('users as u', (j) => j.onRef('u.org_id', '=', 'c.org_id').onRef('u.id', '=', 'c.user_id'))
      .leftJoin('workspaces as ws', (j) => j.onRef('ws.org_id', '=', 'c.org_id').onRef('ws.id', '=', 'c.workspace_id'))
      .where('c.org_id', '=', q.orgId);
    qb = whereRange(qb, 'c.created_at', q);
    qb = wherePersonal(qb, 'c.user_id', q);
    qb = whereIn(qb, 'c.permission_group_id', q.permissionGroupIds);
    return q.category !== undefined ? qb.where('c.category', '=', q.category) : qb;
  },
  sequenceTable: 'credit_logs',
  sequenceColumn: 'c.seq',
  orderBy: [
    ['c.created_at', 'asc'],
    ['c.id', 'asc'],
  ],
});
