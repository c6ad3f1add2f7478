import type { FastifyRequest } from 'fastify';
import type { AppContext } from './context.js';

/** The origin the caller reached us at (X-Forwarded-* honoured only with SLUICE_TRUST_PROXY). */
export function baseUrlOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/**
 * Local-store download links are minted against the configured public URL; when that is only the
 * default, answer with the origin the caller actually used so links work behind any port or proxy.
 */
export function callerFacingUrl(ctx: AppContext, req: FastifyRequest, url: string): string {
  if (ctx.blobs.kind === 'file' && url.startsWith(ctx.config.publicUrl)) return baseUrlOf(req) + url.slice(ctx.config.publicUrl.length);
  return url;
}
