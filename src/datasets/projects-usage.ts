import { defineFields } from './fields.js';
import { PERIOD_FIELDS, usageDataset } from './usage.js';

/*
 * Langdock's projects export, exactly its columns: one row per project with messages in the period.
 * group_by is not supported (as in Langdock). The owner email follows the privacy rule.
 */

const fields = defineFields({
  ...PERIOD_FIELDS,
  project_id: { type: 'string', group: 'Project', description: 'Id of the project' },
  project_name: { type: 'string', group: 'Project', description: 'Name of the project; empty when the project is not known' },
  // Langdock leaves the owner id as it is with user-level data off; only the email goes.
  project_owner_id: { type: 'string', group: 'Owner', description: 'Id of the project owner' },
  project_owner_email: { type: 'string', group: 'Owner', description: 'Email of the project owner', pii: 'hidden' },
  messages: { type: 'integer', group: 'Usage', description: 'Messages in the project’s chats in the period' },
});

/** Per-project usage for a period (Langdock projects export). */
export const projectsUsage = usageDataset({
  name: 'projects_usage',
  title: 'Project usage',
  description: 'One row per project for the period: messages in project chats and the project owner',
  fields,
  filters: [],
  groupBy: [],
  scopes: ['organization'],
  keys: { project_id: 'm.project_id' },
  measures: { messages: 'count(*)' },
  attach: (qb, q) =>
    qb
      .leftJoin('projects as p', (j: any) => j.onRef('p.id', '=', 'agg.project_id').on('p.org_id', '=', q.orgId))
      .leftJoin('users as o', (j: any) => j.onRef('o.id', '=', 'p.owner_id').on('o.org_id', '=', q.orgId))
      .select(['p.name as project_name', 'p.owner_id as project_owner_id', 'o.email as project_owner_email']),
});
