import { Readable, Transform, type TransformCallback, addAbortSignal, pipeline } from 'node:stream';
import type { Logger } from 'pino';
import { getOrg, type Org } from '../auth/accounts.js';
import type { Config } from '../config/config.js';
import { getDataset, resolveFields } from '../datasets/catalogue.js';
import type { DatasetQuery, FieldDef, Row, SnapshotSums } from '../datasets/types.js';
import type { Store } from '../db/database.js';
import type { ExportsTable } from '../db/schema.js';
import { AppError, RowLimitExceeded } from '../errors.js';
import { contentType, createGzipStream, loadEncoder } from '../formats/index.js';
import type { Notifier } from '../notify/notifier.js';
import { summedFields } from '../schedules/manifest.js';
import type { BlobStore } from '../storage/types.js';
import type { Completions, RunOutcome } from './completions.js';
import { parseParams } from './model.js';
import { sendOwedNotification } from './notify.js';
import { toDatasetQuery } from './plan.js';
import { transientFault } from './retryable.js';
import { complete, fail, heartbeat, markCancelled, release, type Lease } from './queue/index.js';

export interface RunnerDeps {
  readonly store: Store;
  readonly config: Config;
  readonly blobs: BlobStore;
  readonly logger: Logger;
  readonly notifier?: Notifier;
  /** Base of the retry backoff (doubles each attempt). */
  readonly retryBaseMs?: number;
  /** Where run outcomes are announced (synchronous surfaces wait on it). */
  readonly completions?: Completions;
}

/** What an inline run already resolved (so the request reads the org and resolves fields once). */
export interface ResolvedRun {
  readonly fields: readonly FieldDef[];
  readonly query: DatasetQuery;
  readonly org: Org;
}

const FRESH_ESTIMATE_MS = 60_000;
/**
 * The heartbeat records rows written at least this often (and notices a cancel asked in another
 * process): progress and ETA in the console and CLI move every second, and a cancel lands within one.
 */
const PROGRESS_MS = 1000;

/** Why a run stopped early; each ends the job differently. */
class Stop extends Error {
  constructor(readonly reason: 'cancelled' | 'lost' | 'shutdown') {
    super(`export run stopped: ${reason}`);
  }
}

/** The publish statement failed without an answer: whether it committed is unknown until the row is read. */
class PublishUnanswered extends Error {
  constructor(override readonly cause: unknown) {
    super('the publish statement got no answer', { cause });
  }
}

/** The file a job is published with (null when it is not published), read after a publish lost its answer. */
async function publishedKey(store: Store, id: string): Promise<string | null> {
  const row = await store.db.selectFrom('exports').select(['status', 'blob_key']).where('id', '=', id).executeTakeFirst();
  return row?.status === 'completed' ? row.blob_key : null;
}

/**
 * `work`'s answer, or the stop as soon as `signal` aborts: a cancel does not wait for a count or for a
 * format's library to load (XLSX's takes a second or more on a busy machine, past the 2 s in which a
 * cancel must show). What was started finishes unobserved; a loaded library stays cached.
 * @example const encoder = await untilStopped(() => loadEncoder('xlsx'), abort.signal);
 */
function untilStopped<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    work()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', stop));
  });
}

/** Counts rows as batches pass and fails the stream past the row limit. */
class RowCounter extends Transform {
  count = 0;
  constructor(private readonly limit: number) {
    super({ objectMode: true, highWaterMark: 1 });
  }
  override _transform(batch: Row[], _enc: BufferEncoding, cb: TransformCallback): void {
    this.count += batch.length;
    if (this.count > this.limit) return cb(new RowLimitExceeded(null, this.limit));
    cb(null, batch);
  }
}

/**
 * Runs one claimed job to the end: DB cursor → encoder → optional gzip → blob store, with backpressure,
 * a heartbeat that extends the lease and notices cancellation, and a fenced publish.
 * `shutdown` aborts the run and hands the job back.
 */
export async function runExport(deps: RunnerDeps, job: ExportsTable, shutdown: AbortSignal, resolved?: ResolvedRun): Promise<RunOutcome> {
  const outcome = await runOnce(deps, job, shutdown, resolved);
  deps.completions?.announce(job.id, outcome);
  if (outcome === 'completed' || outcome === 'failed') await sendOwedNotification(deps, job.id);
  return outcome;
}

async function runOnce(deps: RunnerDeps, job: ExportsTable, shutdown: AbortSignal, resolved?: ResolvedRun): Promise<RunOutcome> {
  const { store, config, blobs, logger } = deps;
  const lease: Lease = { id: job.id, attempt: Number(job.attempt) };
  const log = logger.child({ exportId: job.id, attempt: lease.attempt });
  let params;
  try {
    params = parseParams(job.params);
  } catch (err) {
    log.error({ err }, 'stored export params are unreadable');
    return (await fail(store, lease, 'The stored export request is unreadable', null)) === 'lost' ? 'lost' : 'failed';
  }
  const leaseMs = config.leaseSeconds * 1000;
  const abort = new AbortController();
  const stopWith = (reason: Stop['reason']) => abort.abort(new Stop(reason));
  const onShutdown = () => stopWith('shutdown');
  shutdown.addEventListener('abort', onShutdown, { once: true });
  const counter = new RowCounter(params.row_limit);
  // Rows written so far: the counter's on the row path, the byte stream's own on the fast path.
  let rowsWritten = () => counter.count;
  let beating = false;
  const beat = setInterval(async () => {
    if (beating) return;
    beating = true;
    try {
      const state = await heartbeat(store, lease, { leaseMs, rowsWritten: rowsWritten() });
      if (!state) stopWith('lost');
      else if (state.cancelRequested) stopWith('cancelled');
    } catch (err) {
      log.warn({ err }, 'heartbeat failed');
    } finally {
      beating = false;
    }
  }, Math.min(PROGRESS_MS, Math.max(200, Math.floor(leaseMs / 3))));
  const offCancel = deps.completions?.onCancel(job.id, () => stopWith('cancelled'));

  const blobKey = `${job.org_id}/${job.id}/${lease.attempt}/${job.filename}`;
  try {
    const dataset = getDataset(job.dataset);
    const fields = resolved?.fields ?? resolveFields(dataset, params.fields, params.group_by);
    const org = resolved?.org ?? (await getOrg(store, job.org_id));
    const query = resolved?.query ?? toDatasetQuery({ orgId: job.org_id, userId: job.user_id, scope: job.scope }, params, org, config.secret);
    // The estimate made at creation is recent enough for a job that starts at once; an older one
    // (queued a while, or a retry) is counted again so progress and ETA stay honest.
    const fresh = job.estimated_total !== null && lease.attempt === 1 && Date.now() - Number(job.created_at) < FRESH_ESTIMATE_MS;
    const estimate = fresh ? Number(job.estimated_total) : await untilStopped(() => dataset.count(store, query), abort.signal);
    await heartbeat(store, lease, { leaseMs, rowsWritten: 0, estimatedTotal: estimate });
    const encoding = { fields, timezone: params.timezone, bom: params.csv_bom, neutralizeFormulas: params.neutralize_formulas };
    // The manifest's sums (credit_cost / amount) over exactly the file's rows, added up as they pass
    // (columns of the stream's own query, on both paths).
    // Summing the tables again later would count rows ingested or changed after the file was written.
    const summed = summedFields(dataset);
    let sums: Record<string, number> | null = null;
    const sumsSink: SnapshotSums | undefined = summed.length > 0 ? { fields: summed, read: (s) => (sums = s) } : undefined;
    // The fast path: the database writes the file's lines itself (same bytes as the row path below).
    const fast = dataset.byteStream?.(store, query, { ...encoding, format: job.format, limit: params.row_limit, tooMany: () => new RowLimitExceeded(null, params.row_limit), sums: sumsSink, estimatedRows: estimate });
    const stages: NodeJS.ReadWriteStream[] = [];
    let source: Readable;
    if (fast) {
      source = addAbortSignal(abort.signal, fast.body);
      rowsWritten = fast.rows;
    } else {
      // Batches of rows, a few in flight: backpressure reaches the database cursor.
      source = addAbortSignal(abort.signal, Readable.from(dataset.batches(store, query, sumsSink), { objectMode: true, highWaterMark: 1 }));
      stages.push(counter, (await untilStopped(() => loadEncoder(job.format), abort.signal))(encoding));
    }
    if (job.compression === 'gzip') stages.push(createGzipStream());
    const body = (stages.length ? (pipeline as any)(source, ...stages, () => {}) : source) as Readable;
    // The row path's encoders and SQLite's line reader keep this thread busy; PostgreSQL's COPY is made elsewhere.
    const hashOffThread = !fast || fast.madeOnThisThread;
    const info = await blobs.put(blobKey, body, { contentType: contentType(job.format, job.compression), hashOffThread });
    if (abort.signal.aborted) throw abort.signal.reason;
    // A stream that never read its sums would publish a manifest without them: fail (and retry) instead.
    if (sumsSink && !sums) throw new Error(`the ${dataset.name} stream did not read the sums of ${summed.join(', ')}`);

    const retentionDays = org.retentionDays ?? config.retentionDays;
    let published: boolean;
    try {
      published = await complete(store, lease, { recordCount: rowsWritten(), bytes: info.bytes, sha256: info.sha256, blobKey, retentionMs: retentionDays * 86_400_000, sums });
    } catch (err) {
      throw new PublishUnanswered(err);
    }
    if (!published) {
      // Someone else holds the job now (or it was cancelled/deleted): this file must never be seen.
      await blobs.delete(blobKey).catch(() => {});
      log.warn('lost the job before publishing; discarded the file');
      return 'lost';
    }
    log.info({ rows: rowsWritten(), bytes: info.bytes, fast: Boolean(fast) }, 'export completed');
    return 'completed';
  } catch (err) {
    const stop = err instanceof Stop ? err : abort.signal.reason instanceof Stop ? (abort.signal.reason as Stop) : null;
    if (err instanceof PublishUnanswered) {
      // The publish may have committed with only its answer lost: deleting the file could leave a completed
      // export without one. Read what the database holds; when it cannot say, keep the file (an orphan at
      // worst, removed with the export's directory when the export expires).
      const holder = await publishedKey(store, lease.id).catch(() => undefined);
      if (holder === blobKey) {
        log.warn({ err: err.cause }, 'the publish answer was lost but the export is published; kept the file');
        return 'completed';
      }
      if (holder !== undefined) await blobs.delete(blobKey).catch(() => {});
      err = err.cause;
    } else {
      await blobs.delete(blobKey).catch(() => {});
    }
    if (stop?.reason === 'cancelled') {
      await markCancelled(store, lease);
      log.info('export cancelled mid-stream');
      return 'cancelled';
    } else if (stop?.reason === 'shutdown') {
      await release(store, lease);
      log.info('export handed back on shutdown');
      return 'released';
    } else if (stop?.reason === 'lost') {
      log.warn('lease lost; another worker owns this export');
      return 'lost';
    } else {
      // Errors we raised on purpose are safe to show; database and storage faults say what failed;
      // anything else is logged and summarized. Only our own refusals are final: the rest is retried.
      const safe = err instanceof AppError;
      const message = safe ? (err as AppError).message : (transientFault(err) ?? 'An internal error occurred while writing the export');
      const retryIn = safe ? null : (deps.retryBaseMs ?? 5_000) * 2 ** (lease.attempt - 1);
      // With the database gone, recording the failure fails too: the lease then runs out and the job is
      // claimed again (the attempt still counts), so the run ends here either way.
      const outcome = await fail(store, lease, message, retryIn).catch((failErr: unknown) => {
        log.warn({ err: failErr }, 'could not record the failed attempt; its lease will expire');
        return 'lost' as const;
      });
      log.error({ err, outcome }, 'export run failed');
      return outcome;
    }
  } finally {
    clearInterval(beat);
    offCancel?.();
    shutdown.removeEventListener('abort', onShutdown);
  }
}
