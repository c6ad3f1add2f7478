import { Readable } from 'node:stream';
import { newId } from '../auth/crypto.js';
import type { Destination } from '../contract/drains.js';
import type { Store } from '../db/database.js';
import type { DrainsTable } from '../db/schema.js';
import { manifestKey, roundTotal, signManifest, type Manifest } from '../schedules/manifest.js';
import type { BlobStore } from '../storage/types.js';
import { dayPrefix, utcDay } from './destinations/s3.js';
import type { DeliveredObject } from './destinations/types.js';
import { parseDrainParams } from './model.js';
import { recordManifest, type DrainLease } from './queue/index.js';

const DAY = 86_400_000;

/** Where a drain's manifest of `day` goes: `{prefix}/{YYYY}/{MM}/{DD}/{drain_id}_manifest.json`, beside that day's objects. */
export const dayManifestKey = (prefix: string, drainId: string, day: string): string => `${dayPrefix(prefix, Date.parse(`${day}T00:00:00Z`))}${drainId}_manifest.json`;

/** The day from an object key's `/{YYYY}/{MM}/{DD}/` (objects logged before `day` was recorded). */
const dayOf = (o: DeliveredObject): string => o.day ?? o.key.match(/(\d{4})\/(\d{2})\/(\d{2})\/[^/]+$/)!.slice(1, 4).join('-');

/**
 * The signed manifest of one delivery day: its objects (rows, bytes, sha256), the sequence range they
 * cover, the drain's filters, and totals (rows, and the sums of credit_cost / amount where delivered).
 */
export function dayManifest(secret: string, drain: DrainsTable, destination: Extract<Destination, { type: 's3' }>, day: string, objects: readonly DeliveredObject[], now: number): Manifest {
  const start = Date.parse(`${day}T00:00:00Z`);
  const totals: Record<string, number> = {};
  for (const o of objects) for (const [f, v] of Object.entries(o.sums ?? {})) totals[f] = (totals[f] ?? 0) + v;
  for (const f of Object.keys(totals)) totals[f] = roundTotal(totals[f]);
  const { fields, timezone, ...filters } = parseDrainParams(drain.params);
  return signManifest(manifestKey(secret), {
    version: 1,
    kind: 'drain_day',
    id: drain.id,
    dataset: drain.dataset,
    window: { from: new Date(start).toISOString(), to: new Date(start + DAY - 1).toISOString() },
    sequence: { from: Math.min(...objects.map((o) => o.from)), to: Math.max(...objects.map((o) => o.to)) },
    filters: { ...filters, fields, timezone, scope: drain.scope, format: destination.format, compression: destination.compression },
    files: objects.map((o) => ({ name: o.key.split('/').pop()!, rows: o.rows, bytes: o.bytes, sha256: o.sha256 })),
    totals: { rows: objects.reduce((n, o) => n + o.rows, 0), ...totals },
    created_at: new Date(now).toISOString(),
  });
}

/**
 * Writes the manifest of every finished delivery day of an S3 drain that has none yet, oldest first,
 * each after all of its day's objects: a day is finished once it is over (UTC) and no batch fixed on it
 * is still pending. Replays are not listed (they repeat ranges a day already has). Returns false when
 * the lease was lost.
 */
export async function writeFinishedDays(
  deps: { store: Store; secret: string },
  drain: DrainsTable,
  lease: DrainLease,
  destination: Extract<Destination, { type: 's3' }>,
  openBucket: () => Promise<BlobStore>,
  now: number,
): Promise<boolean> {
  const { store } = deps;
  const last = await store.db.selectFrom('drain_deliveries').select('objects').where('drain_id', '=', drain.id).where('kind', '=', 'manifest').orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  const lastDay = last?.objects ? (JSON.parse(last.objects) as DeliveredObject[])[0]?.day : undefined;
  // A day's objects were all acknowledged on or after that day began.
  const since = lastDay ? Date.parse(`${lastDay}T00:00:00Z`) + DAY : 0;
  const today = utcDay(now);
  // Every day before today has its manifest already.
  if (since >= Date.parse(`${today}T00:00:00Z`)) return true;
  const rows = await store.db
    .selectFrom('drain_deliveries')
    .select('objects')
    .where('drain_id', '=', drain.id)
    .where('kind', '=', 'delivery')
    .where('ok', '=', 1)
    .where('created_at', '>=', since)
    .orderBy('from_seq')
    .execute();
  const pendingDay = drain.pending_at === null ? undefined : utcDay(Math.floor(Number(drain.pending_at) / 1000));
  const byDay = new Map<string, DeliveredObject[]>();
  for (const r of rows) {
    for (const o of r.objects ? (JSON.parse(r.objects) as DeliveredObject[]) : []) {
      const day = dayOf(o);
      if ((lastDay && day <= lastDay) || day >= today || (pendingDay && day >= pendingDay)) continue;
      byDay.set(day, [...(byDay.get(day) ?? []), o]);
    }
  }
  if (byDay.size === 0) return true;
  const bucket = await openBucket();
  try {
    return await writeDays(store, deps.secret, drain, lease, destination, bucket, byDay, now);
  } finally {
    await bucket.close?.();
  }
}

async function writeDays(
  store: Store,
  secret: string,
  drain: DrainsTable,
  lease: DrainLease,
  destination: Extract<Destination, { type: 's3' }>,
  bucket: BlobStore,
  byDay: ReadonlyMap<string, DeliveredObject[]>,
  now: number,
): Promise<boolean> {
  for (const day of [...byDay.keys()].sort()) {
    const objects = byDay.get(day)!;
    const manifest = dayManifest(secret, drain, destination, day, objects, now);
    const key = dayManifestKey(destination.prefix, drain.id, day);
    const text = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    const info = await bucket.put(key, Readable.from([text]), { contentType: 'application/json' });
    const logged = await recordManifest(store, lease, {
      id: newId('dlv'),
      drain_id: drain.id,
      org_id: drain.org_id,
      kind: 'manifest',
      from_seq: manifest.sequence!.from,
      to_seq: manifest.sequence!.to,
      records: manifest.totals.rows,
      bytes: info.bytes,
      attempts: 1,
      ok: 1,
      http_status: 200,
      response: null,
      error: null,
      objects: JSON.stringify([{ key, rows: manifest.totals.rows, bytes: info.bytes, sha256: info.sha256, from: manifest.sequence!.from, to: manifest.sequence!.to, day }]),
      created_at: now,
    });
    if (!logged) return false;
  }
  return true;
}
