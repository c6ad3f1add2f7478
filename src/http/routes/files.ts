import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFound } from '../../errors.js';
import { BlobMissing, verifyDownloadToken } from '../../storage/index.js';
import type { AppContext } from '../context.js';
import { ACCESS } from '../edge/access.js';
import { sendBlob } from '../send-blob.js';

/**
 * Serves files behind HMAC-signed, expiring tokens (tampered → 403, expired → 410, gone → 404) with
 * Range/If-Range, as an attachment, never cached. The local store mints these links; a store that
 * signs its own (S3) never does, so the route answers 404 for it.
 */
export async function fileRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/files/:token',
    {
      config: { access: ACCESS.public },
      schema: {
        tags: ['exports'],
        summary: 'Download an export file through a signed link (from /v1/exports/{id}/download)',
        description: 'The link itself is the credential; it expires (410). Supports a single byte Range (206, or 416 with Content-Range: bytes */size).',
        security: [],
        params: z.object({ token: z.string() }),
      },
    },
    async (req, reply) => {
      const payload = verifyDownloadToken(ctx.config.secret, req.params.token);
      try {
        return await sendBlob(req, reply, ctx.blobs, payload.key, { filename: payload.filename, contentType: payload.contentType, ranges: true });
      } catch (err) {
        if (err instanceof BlobMissing) throw new NotFound('File');
        throw err;
      }
    },
  );
}
