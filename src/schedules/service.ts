import { audit, type RequestOrigin } from '../auth/audit.js';
import { newId, sealSecret } from '../auth/crypto.js';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../config/config.js';
import type { ScheduleCreate } from '../contract/drains.js';
import type { ExportRequest } from '../contract/exports.js';
import { localToInstant } from '../datasets/time.js';
import type { Store } from '../db/database.js';
import type { SchedulesTable } from '../db/schema.js';
import { NotFound } from '../errors.js';
import type { ExportEngine } from '../exports/engine.js';
import { toExportView } from '../exports/model.js';
import { nextPeriod, periodStart, type Period } from './periods.js';
import type { StoredScheduleRequest } from './runner.js';

export interface ScheduleServiceDeps {
  readonly store: Store;
  readonly config: Config;
  readonly exports: ExportEngine;
  readonly wake?: () => void;
}

function toScheduleView(s: SchedulesTable) {
  const from = Number(s.next_from);
  const stored = JSON.parse(s.request) as StoredScheduleRequest;
  const destination = s.destination ? (JSON.parse(s.destination) as Record<string, unknown>) : null;
  return {
    id: s.id,
    name: s.name,
    every: s.every as Period,
    timezone: s.timezone,
    status: s.status,
    export: stored.export as Record<string, unknown>,
    destination: destination as never,
    notify_email: s.notify_email,
    next_window: { from: new Date(from).toISOString(), to: new Date(nextPeriod(from, s.every as Period, s.timezone) - 1).toISOString() },
    last_error: s.last_error,
    created_at: new Date(Number(s.created_at)).toISOString(),
  };
}

/**
 * Scheduled exports: each run is an ordinary export over the previous whole period (see runner.ts).
 * Creating one plans its request through the front door once, so a bad request is refused now.
 */
export function createScheduleService(deps: ScheduleServiceDeps) {
  const { store, config } = deps;
  async function row(p: Principal, id: string): Promise<SchedulesTable> {
    const found = await store.db.selectFrom('schedules').selectAll().where('org_id', '=', p.orgId).where('id', '=', id).executeTakeFirst();
    if (!found) throw new NotFound('Schedule');
    return found;
  }
  return {
    async create(p: Principal, body: ScheduleCreate, origin?: RequestOrigin) {
      const now = Date.now();
      const first = body.start ? periodStart(localToInstant(Date.parse(`${body.start}T00:00:00Z`), body.timezone), body.every, body.timezone) : periodStart(now, body.every, body.timezone);
      // Planned once now (dataset, fields, filters, scope): the runs only change the window.
      await deps.exports.plan(p, { ...body.export, notify_email: body.notify_email ?? body.export.notify_email, from: new Date(Math.min(first, now - 1)).toISOString(), to: new Date(now).toISOString(), timezone: body.timezone } as ExportRequest, { skipEstimate: true });
      const stored: StoredScheduleRequest = { export: { ...body.export, ...(body.notify_email ? { notify_email: body.notify_email } : {}) }, scopes: p.scopes };
      const { secret_access_key, access_key_id, ...shown } = (body.destination ?? {}) as Record<string, unknown>;
      const s: SchedulesTable = {
        id: newId('sch'), org_id: p.orgId, user_id: p.userId, name: body.name, request: JSON.stringify(stored), every: body.every, timezone: body.timezone,
        destination: body.destination ? JSON.stringify(shown) : null,
        secrets: body.destination ? sealSecret(config.secret, JSON.stringify({ secret_access_key, access_key_id })) : null,
        notify_email: body.notify_email ?? null, status: 'active', next_from: first, attempt: 0, run_after: nextPeriod(first, body.every, body.timezone),
        lease_owner: null, lease_expires_at: null, last_error: null, created_at: now, updated_at: now,
      };
      await store.db.insertInto('schedules').values(s).execute();
      await audit(store, p, 'schedule.created', { type: 'schedule', id: s.id }, origin, { dataset: body.export.dataset, every: body.every });
      deps.wake?.();
      return toScheduleView(s);
    },
    list: async (p: Principal) =>
      (await store.db.selectFrom('schedules').selectAll().where('org_id', '=', p.orgId).orderBy('created_at', 'desc').execute()).map(toScheduleView),
    get: async (p: Principal, id: string) => toScheduleView(await row(p, id)),
    async update(p: Principal, id: string, patch: { status?: 'active' | 'paused'; name?: string }, origin?: RequestOrigin) {
      await row(p, id);
      await store.db.updateTable('schedules').set({ ...patch, updated_at: Date.now(), ...(patch.status === 'active' ? { run_after: Date.now() } : {}) }).where('id', '=', id).execute();
      await audit(store, p, 'schedule.updated', { type: 'schedule', id }, origin, patch);
      if (patch.status === 'active') deps.wake?.();
      return toScheduleView(await row(p, id));
    },
    async remove(p: Principal, id: string, origin?: RequestOrigin) {
      await row(p, id);
      await store.db.deleteFrom('schedules').where('id', '=', id).execute();
      await audit(store, p, 'schedule.deleted', { type: 'schedule', id }, origin);
    },
    /** Runs now: any window that has ended is exported (a window still open waits for its end). */
    async runNow(p: Principal, id: string) {
      await row(p, id);
      await store.db.updateTable('schedules').set({ run_after: Date.now() }).where('id', '=', id).execute();
      deps.wake?.();
      return toScheduleView(await row(p, id));
    },
    /** The schedule's exports, oldest window first. */
    async runs(p: Principal, id: string, baseUrl: string) {
      await row(p, id);
      const ids = await store.db.selectFrom('exports').select('id').where('org_id', '=', p.orgId).where('schedule_id', '=', id).orderBy('created_at').orderBy('id').execute();
      const views = await Promise.all(ids.map(async (r) => toExportView(await deps.exports.get(p, r.id), baseUrl)));
      // Runs caught up together share a creation millisecond: order by the window itself.
      return views.sort((a, b) => Date.parse(a.params.from) - Date.parse(b.params.from));
    },
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
