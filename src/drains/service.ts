import type { Logger } from 'pino';
import { audit, type RequestOrigin } from '../auth/audit.js';
import { newId, sealSecret } from '../auth/crypto.js';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../config/config.js';
import type { DrainCreate } from '../contract/drains.js';
import type { ExportRequest } from '../contract/exports.js';
import { getDataset, resolveFields } from '../datasets/catalogue.js';
import type { Store } from '../db/database.js';
import type { DrainsTable } from '../db/schema.js';
import { lastSequence } from '../db/sequence.js';
import { DestinationRefused, NotFound, Unprocessable } from '../errors.js';
import { checkCompression } from '../exports/compression.js';
import { resolvePlan } from '../exports/plan.js';
import { splitSecrets } from './destinations/secrets.js';
import { driverFor, type DriverDeps } from './drivers.js';
import { openSecrets, parseDrainParams, toDeliveryView, toDrainView, type DrainParams } from './model.js';

export interface DrainServiceDeps extends DriverDeps {
  readonly store: Store;
  readonly config: Config;
  readonly logger: Logger;
  /** Nudges an in-process worker (run now, resume, replay). */
  readonly wake?: () => void;
}

/**
 * Drains: create (planned through the front door with the creator's principal, then a preflight
 * delivery), read, change, delete, run now, delivery log and replay. Routes allow admins only.
 * @example const drains = createDrainService(deps); const view = await drains.create(principal, body);
 */
export function createDrainService(deps: DrainServiceDeps) {
  const { store, config } = deps;

  async function row(p: Principal, id: string): Promise<DrainsTable> {
    const found = await store.db.selectFrom('drains').selectAll().where('org_id', '=', p.orgId).where('id', '=', id).executeTakeFirst();
    if (!found) throw new NotFound('Drain');
    return found;
  }
  const view = (r: DrainsTable) => toDrainView(r, openSecrets(config.secret, r.secrets));

  /** The plan of a drain's rows: the same checks and privacy context as an export of them. */
  async function plan(p: Principal, body: Pick<DrainCreate, 'dataset' | 'fields' | 'timezone' | 'workspace_ids' | 'include_personal_workspaces' | 'entity_ids' | 'category'>, fromIso?: string) {
    const dataset = getDataset(body.dataset);
    if (dataset.kind !== 'records' || !dataset.sequenceTable) {
      throw new Unprocessable(`Dataset ${dataset.name} cannot be drained: drains deliver record datasets (workflow_runs, agents, agent_interactions, credit_logs, llm_logs)`, { field: 'dataset' });
    }
    const req: ExportRequest = {
      dataset: body.dataset,
      format: 'json',
      compression: 'none',
      timezone: body.timezone,
      csv_bom: false,
      neutralize_formulas: false,
      ...(body.fields ? { fields: body.fields } : {}),
      ...(fromIso ? { from: fromIso } : {}),
      ...(body.workspace_ids ? { workspace_ids: body.workspace_ids } : {}),
      ...(body.include_personal_workspaces !== undefined ? { include_personal_workspaces: body.include_personal_workspaces } : {}),
      ...(body.entity_ids ? { entity_ids: body.entity_ids } : {}),
      ...(body.category ? { category: body.category } : {}),
    };
    const resolved = await resolvePlan(deps, p, req, { skipEstimate: true });
    return { dataset, resolved };
  }

  return {
    async create(p: Principal, body: DrainCreate, origin?: RequestOrigin) {
      const startAt = body.start === 'now' || body.start === 'all' ? null : Date.parse(body.start.length === 10 ? `${body.start}T00:00:00Z` : body.start);
      const { dataset, resolved } = await plan(p, body, startAt === null ? undefined : new Date(startAt).toISOString());
      if (body.destination.type === 'http') deps.sender.checkOutboundUrl(body.destination.url, 'destination.url');
      if (body.destination.type === 's3' && body.destination.endpoint) deps.sender.checkOutboundUrl(body.destination.endpoint, 'destination.endpoint');
      if (body.destination.type === 's3') checkCompression(body.destination.format, body.destination.compression);
      const { shown, secrets } = splitSecrets(body.destination);
      const id = newId('drn');
      const cursor = body.start === 'now' ? await lastSequence(store.db, p.orgId, dataset.sequenceTable!) : 0;

      // Preflight: an empty, signed delivery. A destination that refuses it is named in a 422.
      const preflightDriver = driverFor(deps, body.destination, secrets, { tries: 1 });
      const preflight = await preflightDriver
        .deliver(
          { kind: 'preflight', drainId: id, drainName: body.name, dataType: dataset.name, from: cursor, to: cursor, rows: [], fields: resolved.fields, timezone: body.timezone, fixedAt: Date.now() * 1000 },
          AbortSignal.timeout(15_000),
        )
        .finally(() => preflightDriver.close?.());
      if (!preflight.ok) {
        throw new DestinationRefused(`The destination refused the preflight delivery: ${preflight.error}`, {
          destination_status: preflight.status,
          destination_response: preflight.response,
        });
      }
      const params: DrainParams = {
        fields: resolved.params.fields,
        timezone: body.timezone,
        workspace_ids: resolved.params.workspace_ids,
        include_personal_workspaces: resolved.params.include_personal_workspaces,
        entity_ids: resolved.params.entity_ids,
        category: resolved.params.category,
      };
      const now = Date.now();
      const drain: DrainsTable = {
        id, org_id: p.orgId, user_id: p.userId, name: body.name, dataset: dataset.name, scope: resolved.scope,
        params: JSON.stringify(params), destination: JSON.stringify(shown), secrets: sealSecret(config.secret, JSON.stringify(secrets)),
        status: 'active', interval_seconds: body.interval_seconds, cursor, start_at: startAt,
        pending_from: null, pending_to: null, pending_at: null, replay_next: null, replay_to: null,
        attempt: 0, run_after: now, lease_owner: null, lease_expires_at: null, consecutive_failures: 0,
        last_delivery_at: null, last_error: null, records_delivered: 0, deliveries_ok: 0, deliveries_failed: 0, created_at: now, updated_at: now,
      };
      await store.db.insertInto('drains').values(drain).execute();
      await audit(store, p, 'drain.created', { type: 'drain', id }, origin, { dataset: dataset.name, destination: shown.type });
      deps.wake?.();
      return { ...view(drain), ...(secrets.signing_secret ? { signing_secret: secrets.signing_secret } : {}) };
    },

    async list(p: Principal) {
      const rows = await store.db.selectFrom('drains').selectAll().where('org_id', '=', p.orgId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(view);
    },

    get: async (p: Principal, id: string) => view(await row(p, id)),

    async update(p: Principal, id: string, patch: { status?: 'active' | 'paused'; name?: string; interval_seconds?: number; fields?: string[] }, origin?: RequestOrigin) {
      const current = await row(p, id);
      const set: Partial<DrainsTable> = { updated_at: Date.now() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.interval_seconds !== undefined) set.interval_seconds = patch.interval_seconds;
      if (patch.fields !== undefined) {
        resolveFields(getDataset(current.dataset), patch.fields);
        set.params = JSON.stringify({ ...parseDrainParams(current.params), fields: patch.fields });
      }
      if (patch.status === 'active') Object.assign(set, { status: 'active', consecutive_failures: 0, run_after: Date.now() });
      if (patch.status === 'paused') set.status = 'paused';
      await store.db.updateTable('drains').set(set).where('id', '=', id).where('org_id', '=', p.orgId).execute();
      await audit(store, p, 'drain.updated', { type: 'drain', id }, origin, patch);
      if (patch.status === 'active') deps.wake?.();
      return view(await row(p, id));
    },

    async remove(p: Principal, id: string, origin?: RequestOrigin) {
      await row(p, id);
      await store.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('drain_deliveries').where('drain_id', '=', id).execute();
        await trx.deleteFrom('drains').where('id', '=', id).where('org_id', '=', p.orgId).execute();
      });
      await audit(store, p, 'drain.deleted', { type: 'drain', id }, origin);
    },

    /** Deliver now: due at once (an active drain; a paused one stays paused). */
    async runNow(p: Principal, id: string) {
      await row(p, id);
      await store.db.updateTable('drains').set({ run_after: Date.now() }).where('id', '=', id).where('org_id', '=', p.orgId).execute();
      deps.wake?.();
      return view(await row(p, id));
    },

    async deliveries(p: Principal, id: string, limit = 100) {
      await row(p, id);
      const rows = await store.db.selectFrom('drain_deliveries').selectAll().where('drain_id', '=', id).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toDeliveryView);
    },

    /** Re-delivers a sequence range (rows there now) without moving the cursor. */
    async replay(p: Principal, id: string, range: { from_sequence: number; to_sequence: number }, origin?: RequestOrigin) {
      const current = await row(p, id);
      if (range.to_sequence > Number(current.cursor)) {
        throw new Unprocessable(`Only delivered sequences can be replayed: to_sequence must be at most the cursor (${current.cursor})`, { field: 'to_sequence' });
      }
      await store.db
        .updateTable('drains')
        .set({ replay_next: range.from_sequence, replay_to: range.to_sequence, run_after: Date.now(), updated_at: Date.now() })
        .where('id', '=', id)
        .where('org_id', '=', p.orgId)
        .execute();
      await audit(store, p, 'drain.replayed', { type: 'drain', id }, origin, range);
      deps.wake?.();
      return view(await row(p, id));
    },
  };
}

export type DrainService = ReturnType<typeof createDrainService>;
