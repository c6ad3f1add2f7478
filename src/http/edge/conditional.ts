import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/*
 * Conditional GETs (RFC 9110 §13.1.2) for the reads the console keeps open: export history and one
 * export. They poll about once a second and send the ETag of what they hold; when nothing changed the
 * answer is a bodiless 304, so an open History costs one small request a second and never re-sends a
 * list.
 *
 * Why polling with ETags and not server-sent events: servers are stateless and coordinate with workers
 * only through the database (DESIGN.md), so a push stream would still have to poll the database in
 * every server process for changes made by others (SQLite has no notifications at all), hold a
 * connection per tab through every proxy, and re-check authorization on its own. A conditional GET is
 * the same route with the same authorization and scope as `GET /v1/exports`, works behind any proxy,
 * and reads one indexed page.
 *
 * A route-level hook rather than @fastify/etag: that plugin tags every route of its context, and only
 * these two reads are polled (downloads and vendor surfaces must stay as they are).
 */

/** A weak tag of the serialized body: equal JSON, equal tag. */
const tagOf = (body: string) => `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;

/** Whether an If-None-Match header names this tag (weak comparison; `*` matches any). */
export function noneMatch(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  const bare = tag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const candidate = t.trim();
    return candidate === '*' || candidate.replace(/^W\//, '') === bare;
  });
}

/**
 * `onSend` hook: tags a 200 JSON answer, and answers 304 without a body when the caller already holds it.
 * @example r.get('/v1/exports', { onSend: conditionalGet, … }, handler)
 */
export async function conditionalGet(req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (reply.statusCode !== 200 || typeof payload !== 'string') return payload;
  const tag = tagOf(payload);
  // no-cache: a browser or proxy may keep the answer but must ask again each time (it changes any second).
  reply.header('etag', tag).header('cache-control', 'private, no-cache');
  if (!noneMatch(req.headers['if-none-match'], tag)) return payload;
  reply.code(304).removeHeader('content-type').removeHeader('content-length');
  return null;
}
