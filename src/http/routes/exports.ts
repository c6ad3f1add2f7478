import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { toExportView } from '../../exports/model.js';
import { ExportRequestSchema } from '../../exports/request.js';
import { originOf, requirePrincipal } from '../authenticate.js';
import { baseUrlOf, callerFacingUrl } from '../base-url.js';
import type { AppContext } from '../context.js';
import { limitExports } from '../rate-limit.js';

const STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'expired'] as const;
const IdParams = z.object({ id: z.string().describe('Export id') });

/** The native export API: create, history, status, cancel, delete, download. */
export async function exportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = ctx.exports;

  r.post(
    '/v1/exports',
    {
      schema: {
        tags: ['exports'],
        summary: 'Start an export (asynchronous): answers 202 with the queued export',
        description:
          'Validated against the dataset: unknown fields or filters the dataset does not take answer 422 listing the valid ones. ' +
          'Send an Idempotency-Key header to make retries safe: the same key and body return the same export; the same key with another body is a 422.',
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: ExportRequestSchema,
      },
    },
    async (req, reply) => {
      const p = await requirePrincipal(ctx.store, req);
      limitExports(ctx, p, reply);
      const { row, created } = await svc.create(p, req.body, { idempotencyKey: req.headers['idempotency-key'], origin: originOf(req) });
      return reply.code(created ? 202 : 200).send(toExportView(row, baseUrlOf(req)));
    },
  );

  r.post(
    '/v1/exports/estimate',
    { schema: { tags: ['exports'], summary: 'Count the rows an export would have, without starting it', body: ExportRequestSchema } },
    async (req, reply) => {
      const p = await requirePrincipal(ctx.store, req);
      limitExports(ctx, p, reply);
      return { estimated_rows: await svc.estimate(p, req.body), row_limit: ctx.config.exportRowLimit };
    },
  );

  r.get(
    '/v1/exports',
    {
      schema: {
        tags: ['exports'],
        summary: 'Export history, newest first (members: their own; admins: the whole org)',
        querystring: z.object({
          status: z.enum(STATUSES).optional(),
          dataset: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().optional().describe('next_cursor from the previous page'),
        }),
      },
    },
    async (req, reply) => {
      const p = await requirePrincipal(ctx.store, req);
      limitExports(ctx, p, reply);
      const { rows, nextCursor } = await svc.list(p, req.query);
      const base = baseUrlOf(req);
      return { data: rows.map((row) => toExportView(row, base)), next_cursor: nextCursor };
    },
  );

  r.get('/v1/exports/:id', { schema: { tags: ['exports'], summary: 'One export: status, progress, counts, checksum, download link', params: IdParams } }, async (req, reply) => {
    const p = await requirePrincipal(ctx.store, req);
    limitExports(ctx, p, reply);
    return toExportView(await svc.get(p, req.params.id), baseUrlOf(req));
  });

  r.post('/v1/exports/:id/cancel', { schema: { tags: ['exports'], summary: 'Cancel a queued or running export', params: IdParams } }, async (req, reply) => {
    const p = await requirePrincipal(ctx.store, req);
    limitExports(ctx, p, reply);
    return toExportView(await svc.cancel(p, req.params.id, originOf(req)), baseUrlOf(req));
  });

  r.delete('/v1/exports/:id', { schema: { tags: ['exports'], summary: 'Delete an export and its file', params: IdParams } }, async (req, reply) => {
    const p = await requirePrincipal(ctx.store, req);
    limitExports(ctx, p, reply);
    await svc.remove(p, req.params.id, originOf(req));
    return reply.code(204).send();
  });

  r.get(
    '/v1/exports/:id/download',
    {
      schema: {
        tags: ['exports'],
        summary: 'Redirect (302) to a freshly signed, expiring URL of the file',
        description: '409 while the export is not completed; 410 once its file has expired.',
        params: IdParams,
      },
    },
    async (req, reply) => {
      const p = await requirePrincipal(ctx.store, req);
      limitExports(ctx, p, reply);
      const url = await svc.downloadUrl(p, req.params.id, originOf(req));
      reply.header('cache-control', 'private, no-store');
      return reply.redirect(callerFacingUrl(ctx, req, url), 302);
    },
  );
}
