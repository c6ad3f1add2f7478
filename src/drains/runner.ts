import type { Logger } from 'pino';
import { getOrg } from '../auth/accounts.js';
import { audit } from '../auth/audit.js';
import { newId } from '../auth/crypto.js';
import type { Config } from '../config/config.js';
import { getDataset, resolveFields } from '../datasets/catalogue.js';
import type { Row } from '../datasets/types.js';
import type { Store } from '../db/database.js';
import type { DrainDeliveriesTable, DrainsTable } from '../db/schema.js';
import { toDatasetQuery } from '../exports/plan.js';
import type { Notifier } from '../notify/notifier.js';
import type { Batch, DeliveryResult, DestinationDriver } from './destinations/types.js';
import { writeFinishedDays } from './day-manifest.js';
import { s3Bucket } from './destinations/s3.js';
import { driverFor, type DriverDeps } from './drivers.js';
import { openSecrets, parseDestination, parseDrainParams } from './model.js';
import { acknowledge, extendDrainLease, fixPending, recordFailure, releaseDrain, type DrainLease } from './queue/index.js';

export interface DrainRunnerDeps extends DriverDeps {
  readonly store: Store;
  readonly config: Config;
  readonly logger: Logger;
  readonly notifier?: Notifier;
  /** A failed delivery is tried again after this, doubling per failure in a row (default 30 s). */
  readonly failureBackoffMs?: number;
  /** The clock (tests move it across midnight to finish a delivery day). */
  readonly now?: () => number;
}

/** Batches one claim may deliver before handing the drain back (others get a turn). */
const BATCHES_PER_CLAIM = 20;

/**
 * Epoch microseconds of `ms`, unique within this process (they name a drain's objects). Within a second
 * of the last value they only go up; a clock set back further is followed, so a key's day stays the
 * day its batch was fixed.
 */
let lastMicros = 0;
function microsOf(ms: number): number {
  const micros = ms * 1000;
  lastMicros = micros > lastMicros || lastMicros - micros > 1_000_000 ? micros : lastMicros + 1;
  return lastMicros;
}

/**
 * Delivers a claimed drain's due batches: each is fixed (range stored) before it is sent, acknowledged
 * and the cursor advanced in the transaction that records it, only while this worker holds the lease.
 * A heartbeat keeps the lease; losing it stops the run before anything more is written.
 */
export async function runDrain(deps: DrainRunnerDeps, claimed: DrainsTable, shutdown: AbortSignal): Promise<'idle' | 'more' | 'failed' | 'stopped' | 'lost'> {
  const { store, config, logger } = deps;
  const clock = deps.now ?? Date.now;
  const nowMicros = () => microsOf(clock());
  const lease: DrainLease = { id: claimed.id, attempt: Number(claimed.attempt) };
  const leaseMs = config.leaseSeconds * 1000;
  const log = logger.child({ drainId: claimed.id, attempt: lease.attempt });
  const abort = new AbortController();
  const onShutdown = () => abort.abort(new Error('shutdown'));
  shutdown.addEventListener('abort', onShutdown, { once: true });
  const beat = setInterval(() => {
    extendDrainLease(store, lease, leaseMs)
      .then((held) => {
        if (!held) abort.abort(new Error('lease lost'));
      })
      .catch((err) => log.warn({ err }, 'drain heartbeat failed'));
  }, Math.max(200, Math.floor(leaseMs / 3)));

  let driver: DestinationDriver | undefined;
  try {
    const params = parseDrainParams(claimed.params);
    const destination = parseDestination(claimed.destination);
    const secrets = openSecrets(config.secret, claimed.secrets);
    driver = driverFor(deps, destination, secrets);
    // S3: finished delivery days get their manifest first, each after all of its objects.
    if (destination.type === 's3' && !(await writeFinishedDays({ store, secret: config.secret }, claimed, lease, destination, () => s3Bucket(destination, secrets, deps.sender), clock()))) return 'lost';
    const dataset = getDataset(claimed.dataset);
    const fields = resolveFields(dataset, params.fields);
    // The creator's plan, with the org's privacy setting as it is now.
    const org = await getOrg(store, claimed.org_id);
    const base = toDatasetQuery(
      { orgId: claimed.org_id, userId: claimed.user_id, scope: claimed.scope },
      { ...params, permission_group_ids: null, from: new Date(Number(claimed.start_at ?? 0)).toISOString(), to: new Date(8.64e15 - 1).toISOString(), group_by: null, csv_bom: false, neutralize_formulas: false, row_limit: Number.MAX_SAFE_INTEGER },
      org,
      config.secret,
    );
    const read = async (after: number, upTo: number | undefined, limit: number): Promise<Row[]> => {
      const out: Row[] = [];
      for await (const batch of dataset.batches(store, { ...base, sequence: { after, upTo, limit } })) out.push(...batch);
      return out;
    };

    let drain = claimed;
    for (let n = 0; n < BATCHES_PER_CLAIM; n++) {
      if (abort.signal.aborted) break;
      let batch: Batch;
      const common = { drainId: drain.id, drainName: drain.name, dataType: drain.dataset, fields, timezone: params.timezone };
      if (drain.replay_next !== null && drain.replay_to !== null) {
        const from = Number(drain.replay_next);
        const rows = await read(from - 1, Number(drain.replay_to), driver.maxRecords);
        const to = rows.length < driver.maxRecords ? Number(drain.replay_to) : Number(rows[rows.length - 1]._sequence);
        batch = { ...common, kind: 'replay', from, to, rows, fixedAt: nowMicros() };
      } else if (drain.pending_from !== null && drain.pending_to !== null) {
        // A batch fixed earlier (maybe by a worker that died): the same range, the same key.
        const from = Number(drain.pending_from);
        const to = Number(drain.pending_to);
        batch = { ...common, kind: 'delivery', from, to, rows: await read(from - 1, to, driver.maxRecords), fixedAt: Number(drain.pending_at ?? nowMicros()) };
      } else {
        const cursor = Number(drain.cursor);
        const rows = await read(cursor, undefined, driver.maxRecords);
        if (rows.length === 0) {
          await releaseDrain(store, lease, Date.now() + Number(drain.interval_seconds) * 1000);
          return 'idle';
        }
        const to = Number(rows[rows.length - 1]._sequence);
        const fixedAt = nowMicros();
        if (!(await fixPending(store, lease, { from: cursor + 1, to, at: fixedAt }))) return 'lost';
        batch = { ...common, kind: 'delivery', from: cursor + 1, to, rows, fixedAt };
      }

      const result: DeliveryResult =
        batch.rows.length === 0 ? { ok: true, attempts: 0, bytes: 0, status: null, response: null, error: null, retryable: false } : await driver.deliver(batch, abort.signal);
      const delivery = deliveryRow(drain, batch, result, clock());
      if (result.ok) {
        if (!(await acknowledge(store, lease, delivery))) {
          log.warn('lease lost before the delivery was recorded; the next holder re-sends the same range');
          return 'lost';
        }
        log.info({ from: batch.from, to: batch.to, records: batch.rows.length }, 'drain batch delivered');
        const next = await store.db.selectFrom('drains').selectAll().where('id', '=', drain.id).executeTakeFirst();
        if (!next) return 'lost';
        drain = next;
        continue;
      }
      const backoff = Math.max((deps.failureBackoffMs ?? 30_000) * 2 ** Number(drain.consecutive_failures), result.retryAfterMs ?? 0);
      const outcome = await recordFailure(store, lease, delivery, backoff);
      log.warn({ from: batch.from, to: batch.to, status: result.status, error: result.error, outcome }, 'drain delivery failed');
      if (outcome === 'stopped') await announceStop(deps, drain, result);
      return outcome === 'stopped' ? 'stopped' : outcome === 'lost' ? 'lost' : 'failed';
    }
    await releaseDrain(store, lease, Date.now());
    return 'more';
  } catch (err) {
    if (abort.signal.aborted) {
      log.info({ reason: String(abort.signal.reason) }, 'drain run stopped');
      if (shutdown.aborted) await releaseDrain(store, lease, Date.now()).catch(() => {});
      return 'lost';
    }
    log.error({ err }, 'drain run crashed; it is retried after its lease');
    await releaseDrain(store, lease, Date.now() + (deps.failureBackoffMs ?? 30_000)).catch(() => {});
    return 'failed';
  } finally {
    clearInterval(beat);
    shutdown.removeEventListener('abort', onShutdown);
    await driver?.close?.().catch(() => {});
  }
}

function deliveryRow(drain: DrainsTable, batch: Batch, result: DeliveryResult, now: number): DrainDeliveriesTable {
  return {
    id: newId('dlv'),
    drain_id: drain.id,
    org_id: drain.org_id,
    kind: batch.kind === 'replay' ? 'replay' : 'delivery',
    from_seq: batch.from,
    to_seq: batch.to,
    records: batch.rows.length,
    bytes: result.bytes,
    attempts: result.attempts,
    ok: result.ok ? 1 : 0,
    http_status: result.status,
    response: result.response,
    error: result.error,
    objects: result.objects ? JSON.stringify(result.objects) : null,
    created_at: now,
  };
}

/** Three failures in a row: the org's notification email and the audit log say why. */
async function announceStop(deps: DrainRunnerDeps, drain: DrainsTable, result: DeliveryResult): Promise<void> {
  const reason = `${result.error ?? 'delivery failed'}${result.response ? `: ${result.response.slice(0, 200)}` : ''}`;
  await audit(deps.store, { orgId: drain.org_id, userId: drain.user_id }, 'drain.stopped', { type: 'drain', id: drain.id }, {}, { reason, status: result.status }).catch((err) =>
    deps.logger.warn({ err }, 'could not audit a stopped drain'),
  );
  try {
    const org = await getOrg(deps.store, drain.org_id);
    const creator = await deps.store.db.selectFrom('users').select('email').where('org_id', '=', drain.org_id).where('id', '=', drain.user_id).executeTakeFirst();
    const to = org.notifyEmail ?? creator?.email;
    if (to) await deps.notifier?.drainStopped({ orgId: drain.org_id, drainId: drain.id, drainName: drain.name, reason, email: to });
  } catch (err) {
    deps.logger.warn({ err, drainId: drain.id }, 'could not send the stopped-drain email');
  }
}
