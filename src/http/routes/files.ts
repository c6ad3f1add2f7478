import send from '@fastify/send';
import type { FastifyInstance } from 'fastify';
import { dirname, basename } from 'node:path';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFound } from '../../errors.js';
import { contentDisposition, isLocalStore, verifyDownloadToken } from '../../storage/index.js';
import type { AppContext } from '../context.js';

/**
 * Serves local-store files behind HMAC-signed, expiring tokens (tampered → 403, expired → 410),
 * with Range/If-Range, as an attachment, never cached.
 */
export async function fileRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const blobs = ctx.blobs;
  if (!isLocalStore(blobs)) return;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/files/:token',
    {
      schema: {
        tags: ['exports'],
        summary: 'Download an export file through a signed link (from /v1/exports/{id}/download)',
        security: [],
        params: z.object({ token: z.string() }),
      },
    },
    async (req, reply) => {
      const payload = verifyDownloadToken(ctx.config.secret, req.params.token);
      const path = blobs.resolvePath(payload.key);
      const result = await send(req.raw, encodeURIComponent(basename(path)), {
        root: dirname(path),
        acceptRanges: true,
        cacheControl: false,
        etag: true,
        lastModified: true,
        dotfiles: 'deny',
        index: false,
        contentType: false,
      });
      // A key naming a directory is not a file: 404, not the static sender's 301 to a listing.
      if (result.type === 'directory') throw new NotFound('File');
      if (result.type === 'error') {
        const status = (result.metadata as { error?: { status?: number } }).error?.status;
        if (status === 404) throw new NotFound('File');
        if (status === 416) {
          // RFC 9110 §15.5.17: say how long the file is, so the client can ask for a range that exists.
          const headers = result.headers as Record<string, string>;
          return reply
            .code(416)
            .header('content-range', headers['Content-Range'])
            .header('cache-control', 'private, no-store')
            .send({ error: 'range_not_satisfiable', message: `The requested range is not within the file (${headers['Content-Range']})` });
        }
        throw (result.metadata as { error: Error }).error;
      }
      reply.code(result.statusCode);
      reply.headers(result.headers as Record<string, string>);
      reply.header('content-type', payload.contentType);
      reply.header('content-disposition', contentDisposition(payload.filename));
      reply.header('cache-control', 'private, no-store');
      reply.header('x-content-type-options', 'nosniff');
      return reply.send(result.stream);
    },
  );
}
