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
      if (result.type === 'error') {
        if ((result.metadata as { error?: { status?: number } }).error?.status === 404) throw new NotFound('File');
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
