import { sha256Hex, newId } from '../auth/crypto.js';
import { audit, type RequestOrigin } from '../auth/audit.js';
import { getOrg } from '../auth/accounts.js';
import { isAdminRole, type Principal } from '../auth/principal.js';
import type { Config } from '../config/config.js';
import { localDate } from '../datasets/time.js';
import type { Store } from '../db/database.js';
import type { ExportStatus, ExportsTable } from '../db/schema.js';
import { Conflict, Gone, NotFound, Unprocessable } from '../errors.js';
import { contentType, fileExtension } from '../formats/index.js';
import type { BlobStore } from '../storage/types.js';
import { unstorableReason } from '../text/storable.js';
import type { Notifier } from '../notify/notifier.js';
import type { Logger } from 'pino';
import pino from 'pino';
import { exportFilename, parseParams } from './model.js';
import { planExport } from './plan.js';
import { claimById } from './queue.js';
import { runExport } from './runner.js';
import { toDatasetQuery } from './query.js';
import type { ExportRequest, ExportSource } from './request.js';

export interface ExportsDeps {
  readonly store: Store;
  readonly config: Config;
  readonly blobs: BlobStore;
  /** Nudges an in-process worker so a new job starts without waiting for the next poll. */
  readonly wake?: () => void;
  /** For exports run inline (synchronous surfaces). */
  readonly logger?: Logger;
  readonly notifier?: Notifier;
}

export type ExportRow = ExportsTable & { user_email: string | null; user_name: string | null };

export interface ListOptions {
  limit: number;
  cursor?: string;
  status?: ExportStatus;
  dataset?: string;
}

const TERMINAL: ExportStatus[] = ['completed', 'failed', 'cancelled', 'expired'];

/**
 * The export engine's front door, shared by every surface (native API, compat adapters, console, CLI).
 * @example const svc = createExportsService({ store, config, blobs }); await svc.create(principal, req);
 */
export function createExportsService(deps: ExportsDeps) {
  const { store, config, blobs } = deps;

  const selectWithUser = () =>
    store.db
      .selectFrom('exports')
      .leftJoin('users', (j) => j.onRef('users.org_id', '=', 'exports.org_id').onRef('users.id', '=', 'exports.user_id'))
      .selectAll('exports')
      .select(['users.email as user_email', 'users.name as user_name']);

  /** Fetches an export the principal may see: their own, or any of the org's for admins. Else NotFound. */
  async function get(p: Principal, id: string): Promise<ExportRow> {
    let q = selectWithUser().where('exports.org_id', '=', p.orgId).where('exports.id', '=', id);
    if (!isAdminRole(p.role)) q = q.where('exports.user_id', '=', p.userId);
    const row = await q.executeTakeFirst();
    if (!row) throw new NotFound('Export');
    return row as ExportRow;
  }

  async function estimate(p: Principal, req: ExportRequest): Promise<number> {
    const plan = planExport(p, req, Date.now(), config.outboundAllowlist);
    const org = await getOrg(store, p.orgId);
    const query = toDatasetQuery({ org_id: p.orgId, user_id: p.userId, scope: plan.scope }, plan.params, org, config.secret);
    return plan.dataset.count(store, query);
  }

  return {
    get,
    estimate,

    /** Validates and queues an export. Same Idempotency-Key + same body → the same export. */
    async create(
      p: Principal,
      req: ExportRequest,
      opts: { idempotencyKey?: string; source?: ExportSource; origin?: RequestOrigin; inline?: boolean } = {},
    ): Promise<{ row: ExportRow; created: boolean }> {
      const requestHash = sha256Hex(JSON.stringify(req));
      if (opts.idempotencyKey) {
        const existing = await selectWithUser()
          .where('exports.org_id', '=', p.orgId)
          .where('exports.user_id', '=', p.userId)
          .where('exports.idempotency_key', '=', opts.idempotencyKey)
          .executeTakeFirst();
        if (existing) {
          if (existing.request_hash !== requestHash) {
            throw new Unprocessable('This Idempotency-Key was already used with a different request body');
          }
          return { row: existing as ExportRow, created: false };
        }
      }
      const plan = planExport(p, req, Date.now(), config.outboundAllowlist);
      const org = await getOrg(store, p.orgId);
      const query = toDatasetQuery({ org_id: p.orgId, user_id: p.userId, scope: plan.scope }, plan.params, org, config.secret);
      const estimated = await plan.dataset.count(store, query);
      if (estimated > config.exportRowLimit) {
        throw new Unprocessable(
          `This export would have ${estimated} rows, over the limit of ${config.exportRowLimit} per export; narrow the date range or filters`,
          { estimated_rows: estimated, row_limit: config.exportRowLimit },
        );
      }
      const id = newId('exp');
      const now = Date.now();
      const row: ExportsTable = {
        id,
        org_id: p.orgId,
        user_id: p.userId,
        key_id: p.keyId ?? null,
        source: opts.source ?? req.source ?? 'api',
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
        estimated_total: estimated,
        record_count: null,
        bytes: null,
        sha256: null,
        blob_key: null,
        filename: exportFilename(plan.dataset.name, plan.params, id, fileExtension(req.format, req.compression), (ms) => localDate(ms, plan.params.timezone)),
        error: null,
        idempotency_key: opts.idempotencyKey ?? null,
        request_hash: requestHash,
        notify_email: req.notify_email ?? org.notifyEmail,
        webhook_url: req.webhook_url ?? null,
        created_at: now,
        started_at: null,
        finished_at: null,
        expires_at: null,
      };
      try {
        await store.db.insertInto('exports').values(row).execute();
      } catch (err) {
        // Two concurrent requests with one Idempotency-Key: the loser answers with the winner's export.
        if (opts.idempotencyKey) return this.create(p, req, opts);
        throw err;
      }
      await audit(store, p, 'export.created', { type: 'export', id }, opts.origin, { dataset: row.dataset, scope: row.scope, source: row.source });
      if (!opts.inline) deps.wake?.();
      return { row: await get(p, id), created: true };
    },

    /**
     * Creates an export and runs it in this request (for surfaces whose vendor answers synchronously),
     * through the same queue row, runner and blob store as every other export. If a worker claimed it
     * first, waits for that worker instead. Resolves with the export once it has ended.
     */
    async createAndRun(
      p: Principal,
      req: ExportRequest,
      opts: { source?: ExportSource; origin?: RequestOrigin; timeoutMs?: number } = {},
    ): Promise<ExportRow> {
      const { row } = await this.create(p, req, { ...opts, inline: true });
      const job = await claimById(store, row.id, `inline:${process.pid}`, config.leaseSeconds * 1000);
      if (job) {
        await runExport(
          { store, config, blobs, logger: deps.logger ?? pino({ level: 'silent' }), notifier: deps.notifier, retryBaseMs: 0 },
          job,
          new AbortController().signal,
        );
      }
      const until = Date.now() + (opts.timeoutMs ?? 120_000);
      for (;;) {
        const current = await get(p, row.id);
        if (TERMINAL.includes(current.status)) return current;
        if (Date.now() > until) return current;
        await new Promise((r) => setTimeout(r, 100));
      }
    },

    /** History, newest first, keyset-paginated by an opaque cursor. */
    async list(p: Principal, opts: ListOptions): Promise<{ rows: ExportRow[]; nextCursor: string | null }> {
      let q = selectWithUser().where('exports.org_id', '=', p.orgId);
      if (!isAdminRole(p.role)) q = q.where('exports.user_id', '=', p.userId);
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
      if (TERMINAL.includes(row.status)) throw new Conflict(`Export is already ${row.status}`);
      const now = Date.now();
      await store.db
        .updateTable('exports')
        .set({ status: 'cancelled', finished_at: now, lease_owner: null, lease_expires_at: null })
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .execute();
      await store.db.updateTable('exports').set({ cancel_requested: 1 }).where('id', '=', id).where('status', '=', 'running').execute();
      await audit(store, p, 'export.cancelled', { type: 'export', id }, origin);
      return get(p, id);
    },

    /** Deletes an export and its file. A worker still running it finds the row gone and publishes nothing. */
    async remove(p: Principal, id: string, origin?: RequestOrigin): Promise<void> {
      const row = await get(p, id);
      await store.db.deleteFrom('exports').where('id', '=', id).execute();
      if (row.blob_key) await blobs.delete(row.blob_key).catch(() => {});
      await audit(store, p, 'export.deleted', { type: 'export', id }, origin, { dataset: row.dataset });
    },

    /** Mints a fresh signed URL for a completed export's file and records the download. */
    async downloadUrl(p: Principal, id: string, origin?: RequestOrigin): Promise<string> {
      const row = await get(p, id);
      if (row.status === 'expired') throw new Gone('This export has expired and its file was deleted; run it again');
      if (row.status !== 'completed' || !row.blob_key) throw new Conflict(`Export is ${row.status}; a file is available once it is completed`);
      const url = await blobs.downloadUrl(row.blob_key, {
        filename: row.filename,
        contentType: contentType(row.format as never, row.compression as never),
        ttlSeconds: config.downloadUrlTtlSeconds,
      });
      await audit(store, p, 'export.downloaded', { type: 'export', id }, origin);
      return url;
    },

    /** The stored params of an export, for surfaces that re-describe it (compat adapters). */
    params: (row: ExportsTable) => parseParams(row.params),
  };
}

export type ExportsService = ReturnType<typeof createExportsService>;

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
  throw new Unprocessable('cursor is not one this API returned');
}
