import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ExportFailed, Forbidden } from '../../../errors.js';
import type { AppContext } from '../../context.js';
import type { RouteAccess } from '../../edge/access.js';
import { baseUrlOf, callerOf, originOf } from '../../edge/principal.js';
import { LANGDOCK_EXPORTS, LangdockError, UsageExportBody, UsageExportResponse, type LangdockExport } from './schemas.js';
import { filePath, LANGDOCK_POLICY, resolvePeriod, toExportRequest } from './translate.js';

const errors = { 400: LangdockError, 401: LangdockError, 403: LangdockError, 404: LangdockError, 429: LangdockError, 500: LangdockError };
const FORMATS = [
  ['', 'csv'],
  ['/csv', 'csv'],
  ['/json', 'json'],
] as const;

/** An API key (never a browser session) with the usage-export scope, called from a server. */
const ACCESS: RouteAccess = { via: 'key', scopes: ['export'], rateLimit: 'exports', refuseBrowser: true };

/**
 * Langdock's Usage Export API at its own paths (`POST /export/{users,assistants,agents,api-keys,projects,models}`,
 * each also with `/csv` and `/json`; also under `/api/public` as on dedicated deployments). Synchronous: the
 * export runs inside the request through the engine, and the answer carries a signed download URL.
 * Browser-origin requests and CORS preflights are refused with 403 and no Access-Control-Allow-* header.
 * @example await langdockRoutes(app, ctx);
 */
export async function langdockRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(langdockCompat(ctx));
}

/** The plugin behind `langdockRoutes`: vocabulary only (parse the period, call the engine, shape the answer). */
export function langdockCompat(ctx: AppContext): FastifyPluginAsync {
  return async (scope: FastifyInstance) => {
    const r = scope.withTypeProvider<ZodTypeProvider>();

    const handle = (kind: LangdockExport, format: 'csv' | 'json') => async (req: FastifyRequest<{ Body: UsageExportBody }>, reply: FastifyReply) => {
      const p = callerOf(req);
      const period = resolvePeriod(req.body);
      const row = await ctx.exports.run(p, toExportRequest(kind, format, req.body, period), { policy: LANGDOCK_POLICY, source: 'langdock', origin: originOf(req) });
      if (row.status !== 'completed') throw new ExportFailed(row.error ?? `The export did not complete (${row.status}); try again`);
      const url = await ctx.exports.downloadUrl(p, row.id, { origin: originOf(req), baseUrl: baseUrlOf(req) });
      reply.header('cache-control', 'no-store');
      return {
        success: true as const,
        data: {
          filePath: filePath(kind, row, period),
          downloadUrl: url,
          dataType: LANGDOCK_EXPORTS[kind].dataType,
          recordCount: Number(row.record_count ?? 0),
          dateRange: { from: new Date(period.from).toISOString(), to: new Date(period.to - 1).toISOString() },
        },
      };
    };

    for (const prefix of ['', '/api/public']) {
      for (const kind of Object.keys(LANGDOCK_EXPORTS) as LangdockExport[]) {
        for (const [suffix, format] of FORMATS) {
          const groupBy = kind === 'projects' ? 'group_by is not supported (400).' : `group_by: ${kind === 'models' ? 'source' : 'model'}.`;
          r.post(
            `${prefix}/export/${kind}${suffix}`,
            {
              config: { access: ACCESS, surface: 'langdock' },
              schema: {
                hide: prefix !== '',
                tags: ['langdock'],
                summary: `Langdock: export ${kind} usage${suffix ? ` as ${format.toUpperCase()}` : ''} (synchronous)`,
                description:
                  `Authorization: Bearer <API key with the export scope>. ${groupBy} Answers a signed downloadUrl of the ${format.toUpperCase()} file. ` +
                  'Errors {error, message}: 400 bad or reversed range, older than 12 months, unsupported group_by or over 1,000,000 rows; ' +
                  '401 missing/invalid key or no export scope; 403 browser-origin request; 404 no usage data in the period.',
                body: UsageExportBody,
                response: { 200: UsageExportResponse, ...errors },
              },
            },
            handle(kind, format),
          );
        }
      }
      // CORS preflights get a refusal without any Access-Control-Allow-* header.
      scope.options(`${prefix}/export/*`, { config: { access: { via: 'none', refuseBrowser: true }, surface: 'langdock' }, schema: { hide: true } }, async () => {
        throw new Forbidden('Browser-origin requests are not allowed: call this API from a server');
      });
    }
  };
}
