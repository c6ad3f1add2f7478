import type { Store } from '../db/database.js';
import { toBatches } from './batching.js';
import { NotFound } from '../errors.js';
import { defineFields } from './fields.js';
import type { Dataset, DatasetQuery, Row } from './types.js';

/*
 * A person's own data, in Agentbot's `GET /api/export` shape (GDPR Art. 15/20). Personal scope only, the
 * date range is ignored, and the org's user-level-data setting does not hide a person's data from
 * themselves — it governs what admins see about others.
 */

/** Agentbot's export document. Timestamps inside are ISO 8601 strings. */
export interface AccountDocument {
  exportedAt: string;
  version: '1.0';
  user: {
    id: string;
    email: string;
    name: string | null;
    plan: string | null;
    role: string;
    referralCode: string | null;
    referralCredits: number;
  };
  agents: { id: string; name: string; model: string; status: string; createdAt: string; updatedAt: string }[];
  scheduledTasks: { id: string; name: string; cronSchedule: string; enabled: boolean; createdAt: string }[];
  workflows: { id: string; name: string; enabled: boolean; createdAt: string }[];
}

const iso = (ms: number | null): string => new Date(Number(ms)).toISOString();

/**
 * Builds the Agentbot export document for one user; throws `NotFound` when the user is not known.
 * @example const doc = await buildAccountDocument(store, 'org_1', 'u_1', new Date());
 */
export async function buildAccountDocument(store: Store, orgId: string, userId: string, now: Date | number = Date.now()): Promise<AccountDocument> {
  const { db } = store;
  const user = await db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', '=', userId).executeTakeFirst();
  if (!user) throw new NotFound('User');
  const [agents, tasks, workflows] = await Promise.all([
    db.selectFrom('agents').select(['id', 'name', 'model', 'status', 'created_at', 'updated_at'])
      .where('org_id', '=', orgId).where('created_by', '=', userId).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('scheduled_tasks').select(['id', 'name', 'cron_schedule', 'enabled', 'created_at'])
      .where('org_id', '=', orgId).where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('workflows').select(['id', 'name', 'enabled', 'created_at'])
      .where('org_id', '=', orgId).where('created_by', '=', userId).orderBy('created_at').orderBy('id').execute(),
  ]);
  return {
    exportedAt: new Date(now).toISOString(),
    version: '1.0',
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      plan: user.plan,
      role: user.role,
      referralCode: user.referral_code,
      referralCredits: Number(user.referral_credits ?? 0),
    },
    agents: agents.map((a) => ({ id: a.id, name: a.name, model: a.model, status: a.status, createdAt: iso(a.created_at), updatedAt: iso(a.updated_at) })),
    scheduledTasks: tasks.map((t) => ({ id: t.id, name: t.name, cronSchedule: t.cron_schedule, enabled: Number(t.enabled) !== 0, createdAt: iso(t.created_at) })),
    workflows: workflows.map((w) => ({ id: w.id, name: w.name, enabled: Number(w.enabled) !== 0, createdAt: iso(w.created_at) })),
  };
}

const fields = defineFields({
  exportedAt: { type: 'timestamp', group: 'Export', description: 'When the export was generated' },
  version: { type: 'string', group: 'Export', description: 'Export format version ("1.0")' },
  user: { type: 'json', group: 'Profile', description: 'Your profile: id, email, name, plan, role, referralCode, referralCredits' },
  agents: { type: 'json', group: 'Agents', description: 'Agents you created: id, name, model, status, createdAt, updatedAt' },
  scheduledTasks: { type: 'json', group: 'Scheduled tasks', description: 'Your scheduled tasks: id, name, cronSchedule, enabled, createdAt' },
  workflows: { type: 'json', group: 'Workflows', description: 'Workflows you created: id, name, enabled, createdAt' },
});

async function exists(store: Store, q: DatasetQuery): Promise<boolean> {
  const row = await store.db.selectFrom('users').select('id').where('org_id', '=', q.orgId).where('id', '=', q.userId).executeTakeFirst();
  return row !== undefined;
}

/** The caller's own account data (Agentbot export): one row, or none when the caller is not a known platform user. */
export const account: Dataset = {
  name: 'account',
  title: 'My account data',
  description: 'Your profile, agents, scheduled tasks and workflows as one document (Agentbot export)',
  kind: 'document',
  fields,
  filters: [],
  groupBy: [],
  scopes: ['personal'],
  orgWide: false,
  batches(store: Store, q: DatasetQuery): AsyncIterable<Row[]> {
    return toBatches(this.rows(store, q));
  },
  async *rows(store: Store, q: DatasetQuery): AsyncIterable<Row> {
    if (!(await exists(store, q))) return;
    const now = Date.now();
    const doc = await buildAccountDocument(store, q.orgId, q.userId, now);
    yield { ...doc, exportedAt: now };
  },
  async count(store: Store, q: DatasetQuery): Promise<number> {
    return (await exists(store, q)) ? 1 : 0;
  },
};
