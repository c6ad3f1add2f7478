import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ManifestSchema } from '../../contract/drains.js';
import { STANDARD_ERRORS } from '../../contract/errors.js';
import { EstimateSchema, ExportListQuerySchema, ExportListSchema, ExportRequestSchema, ExportSchema } from '../../contract/exports.js';
import { exportManifest } from '../../exports/manifest.js';
import { toExportView } from '../../exports/model.js';
import type { AppContext } from '../context.js';
import { ACCESS } from '../edge/access.js';
import { conditionalGet } from '../edge/conditional.js';
import { baseUrlOf, callerOf, originOf } from '../edge/principal.js';

const IdParams = z.object({ id: z.string().describe('Export id') });
const errors = { ...STANDARD_ERRORS, 409: STANDARD_ERRORS[400], 410: STANDARD_ERRORS[400], 422: STANDARD_ERRORS[400] };

/**
 * The native export API: create, estimate, history, status, cancel, delete, download. Every route
 * needs the `export` scope; members see their own exports, callers acting as admin the whole org's.
 */
export async function exportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const engine = ctx.exports;
  const config = { access: ACCESS.exports };
  const reads = { config: { access: ACCESS.exportReads }, onSend: conditionalGet };
  const conditional = {
    headers: z.object({ 'if-none-match': z.string().max(1000).optional().describe('The ETag of the answer you hold: 304 without a body while it is unchanged') }),
  };

  r.post(
    '/v1/exports',
    {
      config,
      schema: {
        tags: ['exports'],
        summary: 'Start an export (asynchronous): answers 202 with the queued export',
        description:
          'Validated against the dataset: unknown fields or filters the dataset does not take answer 422 listing the valid ones. ' +
          'Send an Idempotency-Key header to make retries safe: the same key and body return the same export (200); the same key with another body is a 422.',
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: ExportRequestSchema,
        response: { 200: ExportSchema, 202: ExportSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { row, created } = await engine.create(callerOf(req), req.body, { idempotencyKey: req.headers['idempotency-key'], origin: originOf(req) });
      return reply.code(created ? 202 : 200).send(toExportView(row, baseUrlOf(req)));
    },
  );

  r.post(
    '/v1/exports/estimate',
    {
      config,
      schema: { tags: ['exports'], summary: 'Count the rows an export would have, without starting it', body: ExportRequestSchema, response: { 200: EstimateSchema, ...errors } },
    },
    async (req) => {
      const plan = await engine.plan(callerOf(req), req.body);
      return { estimated_rows: plan.estimate ?? 0, row_limit: plan.params.row_limit };
    },
  );

  r.get(
    '/v1/exports',
    {
      ...reads,
      schema: {
        tags: ['exports'],
        summary: 'Export history, newest first (members: their own; admins: the whole org)',
        description:
          'Every export of your scope, whatever created it (API, console, CLI, vendor surfaces, schedules). Answers carry an ETag: ' +
          'poll with If-None-Match to be answered 304 (no body) while nothing on the page changed. Not counted against the export rate limit.',
        querystring: ExportListQuerySchema,
        ...conditional,
        response: { 200: ExportListSchema, 304: z.null().describe('Not modified: the page is as you hold it'), ...errors },
      },
    },
    async (req) => {
      const { rows, nextCursor } = await engine.list(callerOf(req), req.query);
      const base = baseUrlOf(req);
      return { data: rows.map((row) => toExportView(row, base)), next_cursor: nextCursor };
    },
  );

  r.get(
    '/v1/exports/:id',
    {
      ...reads,
      schema: {
        tags: ['exports'],
        summary: 'One export: status, progress, counts, checksum, download link',
        description: 'rows_written moves about once a second while it runs. Answers carry an ETag (If-None-Match → 304 while unchanged). Not counted against the export rate limit.',
        params: IdParams,
        ...conditional,
        response: { 200: ExportSchema, 304: z.null().describe('Not modified'), ...errors },
      },
    },
    async (req) => toExportView(await engine.get(callerOf(req), req.params.id), baseUrlOf(req)),
  );

  r.post(
    '/v1/exports/:id/cancel',
    { config, schema: { tags: ['exports'], summary: 'Cancel a queued or running export', params: IdParams, response: { 200: ExportSchema, ...errors } } },
    async (req) => toExportView(await engine.cancel(callerOf(req), req.params.id, originOf(req)), baseUrlOf(req)),
  );

  r.delete(
    '/v1/exports/:id',
    { config, schema: { tags: ['exports'], summary: 'Delete an export and its file', params: IdParams, response: { 204: z.null().describe('Deleted'), ...errors } } },
    async (req, reply) => {
      await engine.remove(callerOf(req), req.params.id, originOf(req));
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/v1/exports/:id/manifest',
    {
      config,
      schema: {
        tags: ['exports'],
        summary: 'The signed manifest of a completed export: file rows, bytes and sha256, window, filters, totals',
        description: 'Totals: the row count, and the sums of credit_cost / amount where the dataset has them. Check files against it with `sluice verify <manifest>`. 409 until completed.',
        params: IdParams,
        response: { 200: ManifestSchema, ...errors },
      },
    },
    async (req) => exportManifest(ctx, await engine.get(callerOf(req), req.params.id)),
  );

  r.get(
    '/v1/exports/:id/download',
    {
      config,
      schema: {
        tags: ['exports'],
        summary: 'Redirect (302) to a freshly signed, expiring URL of the file',
        description: '409 while the export is not completed; 410 once its file has expired.',
        params: IdParams,
        response: { 302: z.null().describe('Location: the signed file URL'), ...errors },
      },
    },
    async (req, reply) => {
      const url = await engine.downloadUrl(callerOf(req), req.params.id, { origin: originOf(req), baseUrl: baseUrlOf(req) });
      reply.header('cache-control', 'private, no-store');
      return reply.redirect(url, 302);
    },
  );
}
