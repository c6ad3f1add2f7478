import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getOrg } from '../../../auth/accounts.js';
import { refuseBrowserOrigin } from '../../../auth/browser-guard.js';
import type { Principal } from '../../../auth/principal.js';
import { AppError, Forbidden, Invalid, Unauthorized } from '../../../errors.js';
import { originOf, requirePrincipal } from '../../authenticate.js';
import { callerFacingUrl } from '../../base-url.js';
import type { AppContext } from '../../context.js';
import { limitExports } from '../../rate-limit.js';
import { installLangdockErrors, NoData } from './errors.js';
import { LANGDOCK_EXPORTS, LangdockError, UsageExportBody, UsageExportResponse, type LangdockExport } from './schemas.js';
import { filePath, resolvePeriod, ROW_LIMIT, toExportRequest } from './translate.js';

const errors = { 400: LangdockError, 401: LangdockError, 403: LangdockError, 404: LangdockError, 429: LangdockError, 500: LangdockError };
const FORMATS = [
  ['', 'csv'],
  ['/csv', 'csv'],
  ['/json', 'json'],
] as const;

/** Langdock's usage export needs an API key (never a browser session) with the usage-export scope; else 401. */
async function requireExportKey(ctx: AppContext, req: FastifyRequest): Promise<Principal> {
  const p = await requirePrincipal(ctx.store, req);
  if (p.via !== 'api_key') throw new Unauthorized('The usage export API takes an API key: Authorization: Bearer <API key>');
  if (!p.scopes.includes('export')) throw new Unauthorized("This API key lacks the usage-export scope ('export')");
  return p;
}

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

/** The encapsulated plugin behind `langdockRoutes` (its own error handler gives Langdock's error shape). */
export function langdockCompat(ctx: AppContext): FastifyPluginAsync {
  return async (scope: FastifyInstance) => {
    installLangdockErrors(scope);
    scope.addHook('onRequest', async (req) => refuseBrowserOrigin(req.headers));
    const r = scope.withTypeProvider<ZodTypeProvider>();

    const handle = (kind: LangdockExport, format: 'csv' | 'json') => async (req: FastifyRequest<{ Body: UsageExportBody }>, reply: FastifyReply) => {
      const p = await requireExportKey(ctx, req);
      limitExports(ctx, p, reply);
      const period = resolvePeriod(req.body);
      const exportReq = toExportRequest(kind, format, req.body, period, await getOrg(ctx.store, p.orgId));
      const rows = await ctx.exports.estimate(p, exportReq);
      if (rows > ROW_LIMIT) throw new Invalid(`This export would have ${rows} rows, over the limit of ${ROW_LIMIT}; narrow the date range`);
      if (rows === 0) throw new NoData();
      const row = await ctx.exports.createAndRun(p, exportReq, { source: 'langdock', origin: originOf(req) });
      if (row.status !== 'completed') {
        throw new AppError(500, 'export_failed', row.error ?? `The export did not complete (${row.status}); try again`);
      }
      const url = await ctx.exports.downloadUrl(p, row.id, originOf(req));
      reply.header('cache-control', 'no-store');
      return {
        success: true as const,
        data: {
          filePath: filePath(kind, row, period),
          downloadUrl: callerFacingUrl(ctx, req, url),
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
      scope.options(`${prefix}/export/*`, { schema: { hide: true } }, async () => {
        throw new Forbidden('Browser-origin requests are not allowed: call this API from a server');
      });
    }
  };
}
