import { audit, type RequestOrigin } from '../auth/audit.js';
import { newId, sealSecret } from '../auth/crypto.js';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../config/config.js';
import type { Schedule, ScheduleCreate, ScheduleRun } from '../contract/drains.js';
import type { ExportRequest } from '../contract/exports.js';
import { localToInstant } from '../datasets/time.js';
import type { Store } from '../db/database.js';
import type { SchedulesTable } from '../db/schema.js';
import { splitSecrets } from '../drains/destinations/secrets.js';
import { destinationView, openSecrets, parseDestination } from '../drains/model.js';
import type { Sender } from '../drains/sender.js';
import { NotFound, Unprocessable } from '../errors.js';
import type { ExportEngine } from '../exports/engine.js';
import { toExportView } from '../exports/model.js';
import { zoneOffset } from '../time/zone.js';
import { cronProblem, isPeriod, scheduleClock } from './clock.js';
import type { StoredScheduleRequest } from './runner.js';

export interface ScheduleServiceDeps {
  readonly store: Store;
  readonly config: Config;
  readonly exports: ExportEngine;
  readonly wake?: () => void;
  /** The outbound guard: a destination URL is checked when the schedule is created. */
  readonly sender: Sender;
}

/** A schedule as the API shows it: its clock, next window and destination, never a secret. */
function toScheduleView(s: SchedulesTable, secret: string): Schedule {
  const from = Number(s.next_from);
  const stored = JSON.parse(s.request) as StoredScheduleRequest;
  const secrets = s.secrets ? openSecrets(secret, s.secrets) : undefined;
  return {
    id: s.id,
    name: s.name,
    every: isPeriod(s.every) ? s.every : null,
    cron: isPeriod(s.every) ? null : s.every,
    timezone: s.timezone,
    status: s.status,
    export: stored.export as Record<string, unknown>,
    destination: s.destination ? destinationView(parseDestination(s.destination), secrets) : null,
    notify_email: s.notify_email,
    next_window: { from: new Date(from).toISOString(), to: new Date(scheduleClock(s.every, s.timezone).next(from) - 1).toISOString() },
    last_error: s.last_error,
    created_at: new Date(Number(s.created_at)).toISOString(),
  };
}

/**
 * Scheduled exports: each run is an ordinary export over the window that just ended, a whole period
 * or the time between two cron firings (see runner.ts), delivered to the destination if there is one.
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
      zoneOffset(now, body.timezone); // an unknown zone is a 422 naming it
      const spec = body.cron?.trim() ?? body.every!;
      const problem = body.cron !== undefined ? cronProblem(spec, body.timezone) : null;
      if (problem) throw new Unprocessable(problem, { field: 'cron' });
      const clock = scheduleClock(spec, body.timezone);
      const first = clock.start(body.start ? localToInstant(Date.parse(`${body.start}T00:00:00Z`), body.timezone) : now);
      if (body.destination?.type === 'http') deps.sender.checkOutboundUrl(body.destination.url, 'destination.url');
      if (body.destination?.type === 's3' && body.destination.endpoint) deps.sender.checkOutboundUrl(body.destination.endpoint, 'destination.endpoint');
      // Planned once now (dataset, fields, filters, scope): the runs only change the window.
      await deps.exports.plan(p, { ...body.export, notify_email: body.notify_email ?? body.export.notify_email, from: new Date(Math.min(first, now - 1)).toISOString(), to: new Date(now).toISOString(), timezone: body.timezone } as ExportRequest, { skipEstimate: true });
      const stored: StoredScheduleRequest = { export: { ...body.export, ...(body.notify_email ? { notify_email: body.notify_email } : {}) }, scopes: p.scopes };
      const split = body.destination ? splitSecrets(body.destination) : null;
      const s: SchedulesTable = {
        id: newId('sch'), org_id: p.orgId, user_id: p.userId, name: body.name, request: JSON.stringify(stored), every: spec, timezone: body.timezone,
        destination: split ? JSON.stringify(split.shown) : null,
        secrets: split ? sealSecret(config.secret, JSON.stringify(split.secrets)) : null,
        notify_email: body.notify_email ?? null, status: 'active', next_from: first, attempt: 0, run_after: clock.next(first),
        lease_owner: null, lease_expires_at: null, last_error: null, created_at: now, updated_at: now,
      };
      await store.db.insertInto('schedules').values(s).execute();
      await audit(store, p, 'schedule.created', { type: 'schedule', id: s.id }, origin, { dataset: body.export.dataset, every: spec, destination: split?.shown.type ?? null });
      deps.wake?.();
      // An HTTP destination's signing secret is shown once, here.
      return { ...toScheduleView(s, config.secret), ...(split?.secrets.signing_secret ? { signing_secret: split.secrets.signing_secret } : {}) };
    },
    list: async (p: Principal) =>
      (await store.db.selectFrom('schedules').selectAll().where('org_id', '=', p.orgId).orderBy('created_at', 'desc').execute()).map((s) => toScheduleView(s, config.secret)),
    get: async (p: Principal, id: string) => toScheduleView(await row(p, id), config.secret),
    async update(p: Principal, id: string, patch: { status?: 'active' | 'paused'; name?: string }, origin?: RequestOrigin) {
      await row(p, id);
      await store.db.updateTable('schedules').set({ ...patch, updated_at: Date.now(), ...(patch.status === 'active' ? { run_after: Date.now() } : {}) }).where('id', '=', id).execute();
      await audit(store, p, 'schedule.updated', { type: 'schedule', id }, origin, patch);
      if (patch.status === 'active') deps.wake?.();
      return toScheduleView(await row(p, id), config.secret);
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
      return toScheduleView(await row(p, id), config.secret);
    },
    /** The schedule's exports, oldest window first, with when each reached the destination. */
    async runs(p: Principal, id: string, baseUrl: string): Promise<ScheduleRun[]> {
      await row(p, id);
      const ids = await store.db.selectFrom('exports').select(['id', 'uploaded_at']).where('org_id', '=', p.orgId).where('schedule_id', '=', id).orderBy('created_at').orderBy('id').execute();
      const views = await Promise.all(
        ids.map(async (r) => ({
          ...toExportView(await deps.exports.get(p, r.id), baseUrl),
          uploaded_at: r.uploaded_at === null ? null : new Date(Number(r.uploaded_at)).toISOString(),
        })),
      );
      // Runs caught up together share a creation millisecond: order by the window itself.
      return views.sort((a, b) => Date.parse(a.params.from) - Date.parse(b.params.from));
    },
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
