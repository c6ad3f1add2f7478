import type { FastifyInstance, FastifyRequest } from 'fastify';

/*
 * What request bodies the app accepts, for every route (issue 11). Vendors' own clients send what
 * their HTTP library does, not what the endpoint needs:
 *   - Humanloop's SDK (axios) POSTs the bodiless export with `content-type: application/x-www-form-urlencoded`
 *     and `content-length: 0`; other clients send `application/json` with an empty body.
 *   - Scripts send JSON with or without `; charset=utf-8`, or with no content type at all.
 * So: a route without a body schema ignores whatever body and type it is sent; a route with one takes
 * JSON (any charset, or no content type) and answers 415 for other media types. An empty body is "no
 * body", which the route's schema then accepts or refuses like any other missing body.
 */

class BodyError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly code: string,
  ) {
    super(message);
  }
}

/** True when the route declares a body (only those read one). */
function takesBody(req: FastifyRequest): boolean {
  return req.routeOptions?.schema?.body !== undefined;
}

function parseJsonText(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError('Request body is not valid JSON', 400, 'FST_ERR_CTP_INVALID_JSON_BODY');
  }
}

/**
 * Installs the JSON parser and the catch-all parser on the app (encapsulated plugins inherit both;
 * ingest adds NDJSON on top).
 * @example installContentTypes(app);
 */
export function installContentTypes(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (!takesBody(req)) return done(null, undefined);
    try {
      done(null, parseJsonText(String(body)));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  // Anything else (and no content type with a body): ignored by bodiless routes, JSON when untyped, else 415.
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    if (!takesBody(req)) return done(null, undefined);
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    const type = req.headers['content-type'];
    if (type === undefined || type.trim() === '') {
      try {
        return done(null, parseJsonText(text));
      } catch (err) {
        return done(err as Error, undefined);
      }
    }
    done(new BodyError(`Unsupported Media Type: ${type.split(';')[0].trim()}; send application/json`, 415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE'), undefined);
  });
}
