import type { Logger } from 'pino';
import type { Readable } from 'node:stream';
import { audit, auditIn, type RequestOrigin } from '../auth/audit.js';
import { defaultNotifyAddress } from '../auth/preferences.js';
import { sha256Hex, newId } from '../auth/crypto.js';
import { actsAsAdmin, type Principal } from '../auth/principal.js';
import type { Config } from '../config/config.js';
import type { ExportRequest } from '../contract/exports.js';
import { TERMINAL_STATUSES, type ExportSource, type ExportStatus } from '../contract/vocabulary.js';
import { localDate } from '../datasets/time.js';
import type { Store } from '../db/database.js';
import type { ExportsTable } from '../db/schema.js';
import { Conflict, FileGone, Gone, NotFound, Unprocessable } from '../errors.js';
import { contentType, fileExtension } from '../formats/index.js';
import type { Notifier } from '../notify/notifier.js';
import { BlobMissing, type BlobStore } from '../storage/index.js';
import { unstorableReason } from '../text/storable.js';
import type { Completions } from './completions.js';
import { exportFilename, parseParams, type ExportRow } from './model.js';
import { resolvePlan, type PlanPolicy, type ResolvedPlan } from './plan.js';
import { claimById, enqueue, removeExport, requestCancel } from './queue/index.js';
import { runExport } from './runner.js';

export type { ExportRow } from './model.js';

export interface EngineDeps {
  readonly store: Store;
  readonly config: Config;
  readonly blobs: BlobStore;
  readonly logger: Logger;
  readonly notifier?: Notifier;
  readonly completions: Completions;
  /** Nudges an in-process worker so a new job starts without waiting for the next poll. */
  readonly wake?: () => void;
}

/** How a surface asks for an export, besides the request itself. */
export interface CreateOptions {
  readonly policy?: PlanPolicy;
  readonly idempotencyKey?: string;
  readonly source?: ExportSource;
  readonly origin?: RequestOrigin;
  /** Schedules: the schedule this run belongs to. */
  readonly scheduleId?: string;
}

export interface ListOptions {
  limit: number;
  cursor?: string;
  status?: ExportStatus;
  dataset?: string;
}

/**
 * The export engine's front door, shared by every surface (native API, compat adapters, console, CLI,
 * schedules, drains): a request is planned once (`resolvePlan`), queued in the `exports` table, run by
 * a worker (or inline for synchronous surfaces) and read back through the same authorization rule.
 * @example const engine = createExportEngine(deps); const { row } = await engine.create(principal, request);
 */
export function createExportEngine(deps: EngineDeps) {
  const { store, config, blobs } = deps;

  const selectWithUser = () =>
    store.db
      .selectFrom('exports')
      .leftJoin('users', (j) => j.onRef('users.org_id', '=', 'exports.org_id').onRef('users.id', '=', 'exports.user_id'))
      .selectAll('exports')
      .select(['users.email as user_email', 'users.name as user_name']);

  /** An export the principal may see: their own, or any of the org's when they act as admin. Else NotFound. */
  async function get(p: Principal, id: string): Promise<ExportRow> {
    let q = selectWithUser().where('exports.org_id', '=', p.orgId).where('exports.id', '=', id);
    if (!actsAsAdmin(p)) q = q.where('exports.user_id', '=', p.userId);
    const row = await q.executeTakeFirst();
    if (!row) throw new NotFound('Export');
    return row as ExportRow;
  }

  async function byIdempotencyKey(p: Principal, key: string): Promise<ExportRow | undefined> {
    return (await selectWithUser()
      .where('exports.org_id', '=', p.orgId)
      .where('exports.user_id', '=', p.userId)
      .where('exports.idempotency_key', '=', key)
      .executeTakeFirst()) as ExportRow | undefined;
  }

  /**
   * Who is emailed when the export ends: the request's address (null: nobody); else, for the surfaces
   * that email by default (console, Gumloop), its creator unless they turned that off; else the org's
   * default address.
   */
  async function notifyAddress(p: Principal, req: ExportRequest, source: ExportSource, orgDefault: string | null): Promise<string | null> {
    if (req.notify_email !== undefined) return req.notify_email;
    return (await defaultNotifyAddress(store, p, source)) ?? orgDefault;
  }

  function newRow(p: Principal, req: ExportRequest, plan: ResolvedPlan, opts: CreateOptions, requestHash: string, notifyEmail: string | null): ExportsTable {
    const id = newId('exp');
    const now = Date.now();
    return {
      id,
      org_id: p.orgId,
      user_id: p.userId,
      key_id: p.keyId ?? null,
      source: sourceOf(req, opts),
      dataset: plan.dataset.name,
      scope: plan.scope,
      format: req.format,
      compression: req.compression,
      params: JSON.stringify(plan.params),
      status: 'queued',
      attempt: 0,
      max_attempts: config.maxAttempts,
      run_after: now,
      lease_owner: null,
      lease_expires_at: null,
      cancel_requested: 0,
      rows_written: 0,
      estimated_total: plan.estimate,
      record_count: null,
      bytes: null,
      sha256: null,
      blob_key: null,
      filename: exportFilename(plan.dataset.name, plan.params, id, fileExtension(req.format, req.compression), (ms) => localDate(ms, plan.params.timezone)),
      error: null,
      idempotency_key: opts.idempotencyKey ?? null,
      request_hash: requestHash,
      notify_email: notifyEmail,
      webhook_url: req.webhook_url ?? null,
      created_at: now,
      started_at: null,
      finished_at: null,
      expires_at: null,
      notified_at: null,
      notify_claimed_until: null,
      schedule_id: opts.scheduleId ?? null,
      uploaded_at: null,
      sums: null,
    };
  }

  /** Plans and queues an export. Same Idempotency-Key + same body → the same export (even when raced). */
  async function enqueuePlanned(p: Principal, req: ExportRequest, opts: CreateOptions): Promise<{ row: ExportRow; created: boolean; plan?: ResolvedPlan }> {
    const requestHash = sha256Hex(JSON.stringify(req));
    const replay = (existing: ExportRow) => {
      if (existing.request_hash !== requestHash) throw new Unprocessable('This Idempotency-Key was already used with a different request body');
      return { row: existing, created: false };
    };
    if (opts.idempotencyKey) {
      const existing = await byIdempotencyKey(p, opts.idempotencyKey);
      if (existing) return replay(existing);
    }
    const plan = await resolvePlan(deps, p, req, opts.policy);
    const row = newRow(p, req, plan, opts, requestHash, await notifyAddress(p, req, sourceOf(req, opts), plan.org.notifyEmail));
    // The export and its audit entry commit together: an answer lost after the commit means the export
    // exists (a retry with the Idempotency-Key finds it), a failure before means neither does.
    const inserted = await store.db.transaction().execute(async (trx) => {
      if (!(await enqueue(trx, row))) return false;
      await auditIn(trx, p, 'export.created', { type: 'export', id: row.id }, opts.origin, { dataset: row.dataset, scope: row.scope, source: row.source });
      return true;
    });
    if (!inserted) {
      // Another request with this Idempotency-Key inserted first: answer with its export.
      const winner = await byIdempotencyKey(p, opts.idempotencyKey!);
      if (!winner) throw new Conflict('A concurrent request with this Idempotency-Key is being created; retry');
      return replay(winner);
    }
    return { row: await get(p, row.id), created: true, plan };
  }

  /** Waits for a run to end: on the in-process signal, reading the database only when no signal comes. */
  async function waitForEnd(p: Principal, id: string, timeoutMs: number): Promise<ExportRow> {
    const until = Date.now() + timeoutMs;
    let slice = 250;
    for (;;) {
      const row = await get(p, id);
      if (TERMINAL_STATUSES.includes(row.status) || Date.now() >= until) return row;
      await deps.completions.next(id, Math.min(slice, Math.max(1, until - Date.now())));
      slice = Math.min(slice * 2, 2_000);
    }
  }

  return {
    get,

    /** Plans a request without queuing it (estimates, and surfaces that read pages themselves). */
    plan: (p: Principal, req: ExportRequest, policy?: PlanPolicy) => resolvePlan(deps, p, req, policy),

    /** Validates and queues an export; a worker runs it. */
    async create(p: Principal, req: ExportRequest, opts: CreateOptions = {}): Promise<{ row: ExportRow; created: boolean }> {
      const { row, created } = await enqueuePlanned(p, req, opts);
      if (created) deps.wake?.();
      return { row, created };
    },

    /**
     * Creates an export and runs it within the request (surfaces whose vendor answers synchronously),
     * through the same queue row, runner and blob store as every other export. If a worker claimed it
     * first, waits for that run to end. Resolves with the export once it has ended (or at the timeout).
     */
    async run(p: Principal, req: ExportRequest, opts: CreateOptions & { timeoutMs?: number } = {}): Promise<ExportRow> {
      const { row, plan } = await enqueuePlanned(p, req, opts);
      const job = plan ? await claimById(store, row.id, `inline:${process.pid}`, config.leaseSeconds * 1000) : undefined;
      if (job && plan) {
        await runExport({ ...deps, retryBaseMs: 0 }, job, new AbortController().signal, { fields: plan.fields, query: plan.query, org: plan.org });
      }
      return waitForEnd(p, row.id, opts.timeoutMs ?? 120_000);
    },

    /** History, newest first, keyset-paginated by an opaque cursor. */
    async list(p: Principal, opts: ListOptions): Promise<{ rows: ExportRow[]; nextCursor: string | null }> {
      let q = selectWithUser().where('exports.org_id', '=', p.orgId);
      if (!actsAsAdmin(p)) q = q.where('exports.user_id', '=', p.userId);
      if (opts.status) q = q.where('exports.status', '=', opts.status);
      if (opts.dataset) q = q.where('exports.dataset', '=', opts.dataset);
      if (opts.cursor) {
        const [createdAt, id] = decodeCursor(opts.cursor);
        q = q.where((eb) => eb.or([eb('exports.created_at', '<', createdAt), eb.and([eb('exports.created_at', '=', createdAt), eb('exports.id', '<', id)])]));
      }
      const rows = (await q.orderBy('exports.created_at', 'desc').orderBy('exports.id', 'desc').limit(opts.limit + 1).execute()) as ExportRow[];
      const more = rows.length > opts.limit;
      const page = rows.slice(0, opts.limit);
      const last = page[page.length - 1];
      return { rows: page, nextCursor: more && last ? encodeCursor(Number(last.created_at), last.id) : null };
    },

    /** Cancels a queued export at once, or asks the running worker to stop (honoured mid-stream). */
    async cancel(p: Principal, id: string, origin?: RequestOrigin): Promise<ExportRow> {
      const row = await get(p, id);
      const after = await requestCancel(store, id, p.orgId);
      if (!after) throw new Conflict(`Export is already ${(await get(p, id)).status}`);
      if (after === 'running') {
        // A run in this process stops now, and the answer already says cancelled (it takes milliseconds);
        // a run in another process stops at its next heartbeat, within a second.
        const ended = deps.completions.next(id, 2_000);
        if (deps.completions.cancel(id)) await ended;
      }
      await audit(store, p, 'export.cancelled', { type: 'export', id }, origin);
      return get(p, row.id);
    },

    /** Deletes an export and its file. A worker still running it finds the row gone and publishes nothing. */
    async remove(p: Principal, id: string, origin?: RequestOrigin): Promise<void> {
      const row = await get(p, id);
      const removed = await removeExport(store, id, p.orgId);
      // Every attempt's files and temps, not only the published one: a killed attempt leaves its temp behind.
      if (removed) await blobs.deletePrefix(`${p.orgId}/${id}/`).catch((err) => deps.logger.warn({ err, exportId: id }, 'could not delete an export file'));
      await audit(store, p, 'export.deleted', { type: 'export', id }, origin, { dataset: row.dataset });
    },

    /** Mints a fresh signed URL for a completed export's file and records the download. */
    async downloadUrl(p: Principal, id: string, opts: { origin?: RequestOrigin; baseUrl?: string } = {}): Promise<string> {
      const row = downloadable(await get(p, id));
      const url = await blobs.downloadUrl(row.blob_key, {
        filename: row.filename,
        contentType: contentType(row.format, row.compression),
        ttlSeconds: config.downloadUrlTtlSeconds,
        baseUrl: opts.baseUrl,
      });
      await audit(store, p, 'export.downloaded', { type: 'export', id }, opts.origin);
      return url;
    },

    /** Opens a completed export's file from the store (surfaces that answer with the file itself) and records the download. */
    async open(p: Principal, id: string, origin?: RequestOrigin): Promise<{ row: ExportRow; body: Readable; size: number }> {
      const row = downloadable(await get(p, id));
      try {
        const blob = await blobs.open(row.blob_key);
        await audit(store, p, 'export.downloaded', { type: 'export', id }, origin);
        return { row, body: blob.body, size: blob.size };
      } catch (err) {
        if (err instanceof BlobMissing) throw new FileGone();
        throw err;
      }
    },

    /** The stored plan of an export, for surfaces that re-describe it. */
    params: (row: ExportsTable) => parseParams(row.params),
  };
}

/** Which surface asked: the surface's own word, else the client's (`source` in the body), else the API. */
const sourceOf = (req: ExportRequest, opts: CreateOptions): ExportSource => opts.source ?? req.source ?? 'api';

/** A completed export with a file, or the error that says why not. */
function downloadable(row: ExportRow): ExportRow & { blob_key: string } {
  if (row.status === 'expired') throw new Gone('This export has expired and its file was deleted; run it again');
  if (row.status !== 'completed' || !row.blob_key) throw new Conflict(`Export is ${row.status}; a file is available once it is completed`);
  return row as ExportRow & { blob_key: string };
}

export type ExportEngine = ReturnType<typeof createExportEngine>;

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A cursor is client-held: its parts reach the query, so they must be what the database stores.
    if (Number.isSafeInteger(createdAt) && typeof id === 'string' && id.length <= 256 && unstorableReason(id) === null) return [createdAt, id];
  } catch {
    /* fall through */
  }
  throw new Unprocessable('cursor is not one this API returned', { field: 'cursor' });
}
