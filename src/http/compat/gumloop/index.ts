import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Forbidden } from '../../../errors.js';
import type { ExportRow } from '../../../exports/model.js';
import { contentType } from '../../../formats/index.js';
import { contentDisposition } from '../../../storage/index.js';
import type { AppContext } from '../../context.js';
import type { RouteAccess } from '../../edge/access.js';
import { callerOf, originOf } from '../../edge/principal.js';
import { ExportDataBody, ExportDataResponse, ExportStatusQuery, ExportStatusResponse, GumloopError } from './schemas.js';
import { GUMLOOP_POLICY, assertSameUser, statusBody, toExportRequest } from './translate.js';

const errors = { 400: GumloopError, 401: GumloopError, 403: GumloopError, 404: GumloopError, 429: GumloopError };
const AUTH = 'Authorization: Bearer <API key>; optionally x-auth-key: <user_id>, which must be the key’s user.';
const config = { access: { via: 'key', scopes: ['export'], rateLimit: 'exports' } satisfies RouteAccess, surface: 'gumloop' as const };

/**
 * Gumloop's Usage Data Export API at its own paths (`/api/v1/export_data`, `/api/v1/export_status`),
 * vocabulary over the export engine: exports are asynchronous and always CSV.
 * @example await gumloopRoutes(app, ctx);
 */
export async function gumloopRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(gumloopCompat(ctx));
}

/** The plugin behind `gumloopRoutes`. */
export function gumloopCompat(ctx: AppContext): FastifyPluginAsync {
  return async (scope: FastifyInstance) => {
    const r = scope.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/api/v1/export_data',
      {
        config,
        schema: {
          tags: ['gumloop'],
          summary: 'Gumloop: request a usage data export (asynchronous, CSV)',
          description:
            `${AUTH} Workflow, agent and agent-interaction exports need a team selection in organization scope (400 without one); ` +
            'credit log exports are always org-wide and take category_filter instead. Poll GET /api/v1/export_status.',
          body: ExportDataBody,
          response: { 200: ExportDataResponse, ...errors },
        },
      },
      async (req) => {
        const p = callerOf(req);
        assertSameUser(p, req.body.user_id, req.headers['x-auth-key']);
        const { row } = await ctx.exports.create(p, toExportRequest(req.body), { policy: GUMLOOP_POLICY, source: 'gumloop', origin: originOf(req) });
        return { success: true as const, data_export_id: row.id, state: 'REQUESTED' as const, created_ts: new Date(Number(row.created_at)).toISOString() };
      },
    );

    r.get(
      '/api/v1/export_status',
      {
        config,
        schema: {
          tags: ['gumloop'],
          summary: 'Gumloop: the state of an export, or (download=true) its CSV file',
          description:
            `${AUTH} States: REQUESTED → IN_PROGRESS → COMPLETED | FAILED; finished_ts only once terminal. ` +
            "With download=true a COMPLETED export answers with the CSV itself (text/csv). Another user's export: 403; a file that expired or was deleted: 404.",
          querystring: ExportStatusQuery,
          response: { 200: ExportStatusResponse, ...errors },
        },
      },
      async (req, reply) => {
        const p = callerOf(req);
        assertSameUser(p, req.query.user_id, req.headers['x-auth-key']);
        const row = await ctx.exports.get(p, req.query.data_export_id);
        if (row.user_id !== p.userId) throw new Forbidden('This export was requested by another user');
        if (req.query.download !== 'true' && req.query.download !== '1') return statusBody(row, ctx.exports.params(row));
        return sendFile(reply, await ctx.exports.open(p, row.id, originOf(req)));
      },
    );
  };
}

/** Clients of `download=true` expect the CSV body itself, not a redirect: streamed from the store. */
function sendFile(reply: FastifyReply, file: { row: ExportRow; body: Readable; size: number }): FastifyReply {
  return reply
    .header('content-type', contentType(file.row.format, file.row.compression))
    .header('content-disposition', contentDisposition(file.row.filename))
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .header('content-length', String(file.size))
    .send(file.body);
}
