import { z } from 'zod';
import { DestinationSchema, type Delivery, type Destination, type Drain } from '../contract/drains.js';
import type { DrainDeliveriesTable, DrainsTable } from '../db/schema.js';
import { openSealed } from '../auth/crypto.js';
import type { DestinationSecrets } from './destinations/types.js';

/** What a drain stores of its plan: the rows it reads (fields and filters), re-validated when read back. */
export const DrainParamsSchema = z.object({
  fields: z.array(z.string()),
  timezone: z.string(),
  workspace_ids: z.array(z.string()).nullable(),
  include_personal_workspaces: z.boolean().nullable(),
  entity_ids: z.array(z.string()).nullable(),
  category: z.string().nullable(),
});
export type DrainParams = z.output<typeof DrainParamsSchema>;

export const parseDrainParams = (text: string): DrainParams => DrainParamsSchema.parse(JSON.parse(text));
/** The stored destination (secrets stripped), re-validated. */
export const parseDestination = (text: string): Destination => DestinationSchema.parse(JSON.parse(text));
/** The destination's secrets, unsealed with the server secret. */
export const openSecrets = (serverSecret: string, sealed: string): DestinationSecrets => JSON.parse(openSealed(serverSecret, sealed)) as DestinationSecrets;

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** A stored destination as the API shows it (drains and schedules): never a secret, only which are set. */
export function destinationView(d: Destination, secrets?: DestinationSecrets): Drain['destination'] {
  return d.type === 'http'
    ? { type: d.type, url: d.url, format: d.format, header_names: Object.keys(secrets?.headers ?? {}) }
    : { type: d.type, bucket: d.bucket, prefix: d.prefix, region: d.region, endpoint: d.endpoint, format: d.format, compression: d.compression, credentials: Boolean(secrets?.secret_access_key) };
}

/** A drain as the API shows it: never a secret. */
export function toDrainView(row: DrainsTable, secrets?: DestinationSecrets): Drain {
  const destination = destinationView(parseDestination(row.destination), secrets);
  return {
    id: row.id,
    name: row.name,
    dataset: row.dataset,
    // The stored params are what the drain reads (fields and filters), shown as they are.
    ...parseDrainParams(row.params),
    status: row.status,
    destination,
    interval_seconds: Number(row.interval_seconds),
    cursor: Number(row.cursor),
    replaying: row.replay_next === null || row.replay_to === null ? null : { next: Number(row.replay_next), to: Number(row.replay_to) },
    last_delivery_at: iso(row.last_delivery_at),
    last_error: row.last_error,
    consecutive_failures: Number(row.consecutive_failures),
    counts: { records: Number(row.records_delivered), deliveries: Number(row.deliveries_ok), failed: Number(row.deliveries_failed) },
    created_by: row.user_id,
    created_at: new Date(Number(row.created_at)).toISOString(),
    updated_at: new Date(Number(row.updated_at)).toISOString(),
  };
}

/** A delivery log row as the API shows it. */
export function toDeliveryView(row: DrainDeliveriesTable): Delivery {
  return {
    id: row.id,
    kind: row.kind,
    sequence: { from: Number(row.from_seq), to: Number(row.to_seq) },
    records: Number(row.records),
    bytes: Number(row.bytes),
    attempts: Number(row.attempts),
    ok: Number(row.ok) === 1,
    destination_status: row.http_status === null ? null : Number(row.http_status),
    destination_response: row.response,
    error: row.error,
    objects: row.objects ? (JSON.parse(row.objects) as { key: string }[]).map((o) => o.key) : null,
    created_at: new Date(Number(row.created_at)).toISOString(),
  };
}
