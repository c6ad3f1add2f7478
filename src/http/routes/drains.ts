import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { STANDARD_ERRORS } from '../../contract/errors.js';
import { DeliveryListSchema, DrainCreateSchema, DrainListSchema, DrainPatchSchema, DrainReplaySchema, DrainSchema } from '../../contract/drains.js';
import type { AppContext } from '../context.js';
import { ACCESS } from '../edge/access.js';
import { callerOf, originOf } from '../edge/principal.js';

const IdParams = z.object({ id: z.string().describe('Drain id') });
const errors = { ...STANDARD_ERRORS, 422: STANDARD_ERRORS[400] };
const tags = ['drains'];

/**
 * Drains: continuous, gap-free delivery of a record dataset to an HTTP endpoint or an S3 bucket, by
 * change sequence. Admins only. Gumloop's `/api/v1/data-drains` paths are aliases.
 */
export async function drainRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const drains = ctx.drains;
  const config: { access: typeof ACCESS.admin; surface?: 'gumloop' } = { access: ACCESS.admin };
  const gumloop: typeof config = { access: ACCESS.admin, surface: 'gumloop' };
  const createSchema = {
    tags,
    summary: 'Create a drain (after a preflight delivery); 201 with the drain, and an HTTP drain’s signing_secret once',
    description:
      'Rows are delivered in change-sequence order: every row ingest inserts or changes, none skipped. HTTP: POST {source, drain_id, drain_name, data_type, sequence:{from,to}, records} ' +
      '(≤ 1,000 records), Idempotency-Key <drain_id>:<from>-<to>, Standard Webhooks signature (webhook-id/-timestamp/-signature) and X-Gumloop-Signature (hex HMAC-SHA256 of the body). ' +
      'S3: objects {prefix}/{YYYY}/{MM}/{DD}/{drain_id}_{HHMMSS}_{microseconds}.{ext} (≤ 5,000 records), and once a UTC day is over a signed ' +
      '{prefix}/{YYYY}/{MM}/{DD}/{drain_id}_manifest.json of its objects (rows, bytes, sha256, sequence range, credit_cost/amount totals), written last; `sluice verify` checks it. A destination refusing the preflight answers 422 destination_refused with its status and the first 500 bytes of its answer.',
    body: DrainCreateSchema,
    response: { 201: DrainSchema, ...errors },
  };
  const listSchema = { tags, summary: 'Every drain of the org', response: { 200: DrainListSchema, ...errors } };

  // The native path and Gumloop's alias are the same route: registered in a loop so each keeps its typed request.
  const createAt = (url: string, routeConfig: typeof config, schema: typeof createSchema) =>
    r.post(url, { config: routeConfig, schema }, async (req, reply) => reply.code(201).send(await drains.create(callerOf(req), req.body, originOf(req))));
  createAt('/v1/drains', config, createSchema);
  createAt('/api/v1/data-drains', gumloop, { ...createSchema, tags: ['gumloop'], summary: 'Gumloop: create a data drain (alias of POST /v1/drains)' });

  r.get('/v1/drains', { config, schema: listSchema }, async (req) => ({ data: await drains.list(callerOf(req)) }));
  r.get('/api/v1/data-drains', { config: gumloop, schema: { ...listSchema, tags: ['gumloop'], summary: 'Gumloop: list data drains (alias of GET /v1/drains)' } }, async (req) => ({
    data: await drains.list(callerOf(req)),
  }));

  r.get(
    '/v1/drains/:id',
    { config, schema: { tags, summary: 'One drain: status (active | paused | error), cursor, last delivery, last error, counts', params: IdParams, response: { 200: DrainSchema, ...errors } } },
    async (req) => drains.get(callerOf(req), req.params.id),
  );

  r.patch(
    '/v1/drains/:id',
    {
      config,
      schema: {
        tags,
        summary: 'Pause, resume (continues from the cursor), rename, change the interval or the fields',
        params: IdParams,
        body: DrainPatchSchema,
        response: { 200: DrainSchema, ...errors },
      },
    },
    async (req) => drains.update(callerOf(req), req.params.id, req.body, originOf(req)),
  );

  const removeSchema = { tags, summary: 'Delete a drain and its delivery log', params: IdParams, response: { 204: z.null().describe('Deleted'), ...errors } };
  const removeAt = (url: string, routeConfig: typeof config, schema: typeof removeSchema) =>
    r.delete(url, { config: routeConfig, schema }, async (req, reply) => {
      await drains.remove(callerOf(req), req.params.id, originOf(req));
      return reply.code(204).send(null);
    });
  removeAt('/v1/drains/:id', config, removeSchema);
  removeAt('/api/v1/data-drains/:id', gumloop, { ...removeSchema, tags: ['gumloop'], summary: 'Gumloop: delete a data drain (alias)' });

  r.post(
    '/v1/drains/:id/run',
    { config, schema: { tags, summary: 'Deliver now instead of at the next interval', params: IdParams, response: { 202: DrainSchema, ...errors } } },
    async (req, reply) => reply.code(202).send(await drains.runNow(callerOf(req), req.params.id)),
  );

  r.get(
    '/v1/drains/:id/deliveries',
    {
      config,
      schema: {
        tags,
        summary: 'Delivery log, newest first: sequence range, records, bytes, attempts, destination status and the first 500 bytes of its answer; S3 day manifests as kind manifest',
        params: IdParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: DeliveryListSchema, ...errors },
      },
    },
    async (req) => ({ data: await drains.deliveries(callerOf(req), req.params.id, req.query.limit) }),
  );

  r.post(
    '/v1/drains/:id/replay',
    {
      config,
      schema: {
        tags,
        summary: 'Re-deliver a delivered sequence range (the rows there now) without moving the cursor',
        params: IdParams,
        body: DrainReplaySchema,
        response: { 202: DrainSchema, ...errors },
      },
    },
    async (req, reply) => reply.code(202).send(await drains.replay(callerOf(req), req.params.id, req.body, originOf(req))),
  );
}
