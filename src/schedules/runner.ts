import type { Logger } from 'pino';
import type { Principal, Role } from '../auth/principal.js';
import { scopesForRole } from '../auth/principal.js';
import type { ExportRequest } from '../contract/exports.js';
import type { Store } from '../db/database.js';
import type { SchedulesTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { ExportEngine } from '../exports/engine.js';
import type { JobSource } from '../exports/worker.js';
import { scheduleClock } from './clock.js';
import { advanceWindow, claimNextSchedule, extendScheduleLease, markUploaded, owedUploads, releaseSchedule, type ScheduleLease } from './queue.js';
import { UploadFailed, uploadRun, type UploadDeps } from './upload.js';

export interface ScheduleRunnerDeps extends UploadDeps {
  readonly exports: ExportEngine;
  readonly logger: Logger;
  readonly leaseMs: number;
  /** A failed run or upload is tried again after this (default 60 s). */
  readonly retryMs?: number;
  /** While a run's export is still being written, the schedule looks again after this (default 2 s). */
  readonly uploadPollMs?: number;
}

/** What a schedule stores: the export body (without from/to) and the creator's scopes at creation. */
export interface StoredScheduleRequest {
  readonly export: Omit<ExportRequest, 'from' | 'to' | 'timezone' | 'source'>;
  readonly scopes: Principal['scopes'];
}

/** The creator as a principal now: their current role, never more than the scopes they had. */
async function creatorOf(store: Store, s: SchedulesTable, stored: StoredScheduleRequest): Promise<Principal | null> {
  const user = await store.db.selectFrom('users').select('role').where('org_id', '=', s.org_id).where('id', '=', s.user_id).executeTakeFirst();
  if (!user) return null;
  const role = user.role as Role;
  const scopes = scopesForRole(role).filter((x) => stored.scopes.includes(x));
  return { orgId: s.org_id, userId: s.user_id, role, scopes, via: 'api_key' };
}

/** Why a run stopped early: the lease went to another worker (or the schedule was deleted), or the worker is stopping. */
export class RunStopped extends Error {
  constructor(readonly reason: 'lost' | 'shutdown') {
    super(`schedule run stopped: ${reason}`);
  }
}

/**
 * Creates the exports a claimed schedule owes, oldest window first: each window runs from one tick of
 * the schedule's clock (a period or a cron expression, in its zone) to the next, starting where the last
 * one ended (contiguous, never overlapping). Each is an ordinary export through the engine (source
 * `schedule`) with an idempotency key per window, so a crash between creating it and moving on creates
 * it once. With a destination, completed runs are then delivered there, oldest first (see upload.ts);
 * the schedule comes back soon while a run is still being exported.
 * A heartbeat keeps the lease for as long as the run takes (an upload can outlast one lease, and a
 * second worker must not claim the schedule meanwhile); losing it aborts the upload in flight, and
 * nothing more is recorded (every write is fenced as well).
 */
export async function runSchedule(deps: ScheduleRunnerDeps, s: SchedulesTable, now = Date.now(), shutdown?: AbortSignal): Promise<number> {
  const lease: ScheduleLease = { id: s.id, attempt: Number(s.attempt) };
  const stored = JSON.parse(s.request) as StoredScheduleRequest;
  const clock = scheduleClock(s.every, s.timezone);
  const abort = new AbortController();
  const stopWith = (reason: RunStopped['reason']) => {
    if (!abort.signal.aborted) abort.abort(new RunStopped(reason));
  };
  const onShutdown = () => stopWith('shutdown');
  shutdown?.addEventListener('abort', onShutdown, { once: true });
  let beating = false;
  const beat = setInterval(async () => {
    if (beating) return;
    beating = true;
    try {
      if (!(await extendScheduleLease(deps.store, lease, deps.leaseMs))) stopWith('lost');
    } catch (err) {
      deps.logger.warn({ err, scheduleId: s.id }, 'schedule heartbeat failed');
    } finally {
      beating = false;
    }
  }, Math.max(200, Math.floor(deps.leaseMs / 3)));
  const stopped = () => abort.signal.reason as RunStopped;
  let from = Number(s.next_from);
  let created = 0;
  try {
    const p = await creatorOf(deps.store, s, stored);
    if (!p) throw new AppError('forbidden', 'The user who created this schedule no longer exists');
    for (let end = clock.next(from); end <= now; end = clock.next(from)) {
      abort.signal.throwIfAborted();
      const request = { ...stored.export, from: new Date(from).toISOString(), to: new Date(end - 1).toISOString(), timezone: s.timezone, source: 'schedule' } as ExportRequest;
      await deps.exports.create(p, request, { source: 'schedule', scheduleId: s.id, idempotencyKey: `schedule:${s.id}:${from}` });
      if (!(await advanceWindow(deps.store, lease, from, end))) return created;
      created++;
      from = end;
    }
    let runAfter = clock.next(from);
    if (s.destination) {
      const { ready, waiting } = await owedUploads(deps.store, s.id);
      for (const row of ready) {
        await uploadRun(deps, s, row, abort.signal);
        // A stale worker never records an upload, even one the destination took.
        abort.signal.throwIfAborted();
        if (!(await markUploaded(deps.store, lease, row.id))) return created;
        deps.logger.info({ scheduleId: s.id, exportId: row.id }, 'scheduled run delivered to its destination');
      }
      if (waiting > 0) runAfter = Math.min(runAfter, Date.now() + (deps.uploadPollMs ?? 2000));
    }
    await releaseSchedule(deps.store, lease, runAfter);
  } catch (err) {
    if (abort.signal.aborted && stopped().reason === 'lost') {
      deps.logger.warn({ scheduleId: s.id }, 'schedule lease lost; another worker owns this schedule now');
    } else if (abort.signal.aborted) {
      // Handed back as it is: the next holder goes on from the recorded window and upload.
      await releaseSchedule(deps.store, lease, Date.now()).catch(() => {});
      deps.logger.info({ scheduleId: s.id }, 'schedule run handed back on shutdown');
    } else {
      const message = err instanceof AppError || err instanceof UploadFailed ? err.message : 'An internal error occurred while creating the scheduled export';
      deps.logger.warn({ err, scheduleId: s.id }, 'scheduled run failed; retrying later');
      await releaseSchedule(deps.store, lease, Date.now() + (deps.retryMs ?? 60_000), message);
    }
  } finally {
    clearInterval(beat);
    shutdown?.removeEventListener('abort', onShutdown);
  }
  return created;
}

/** The schedules queue as a worker job source. */
export function scheduleSource(deps: ScheduleRunnerDeps): JobSource {
  return {
    name: 'schedules',
    async claim(workerId) {
      const s = await claimNextSchedule(deps.store, workerId, { leaseMs: deps.leaseMs });
      return s ? (shutdown) => runSchedule(deps, s, Date.now(), shutdown) : undefined;
    },
  };
}
