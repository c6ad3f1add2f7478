import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { STANDARD_ERRORS } from '../../contract/errors.js';
import { IngestBodySchema, IngestParamsSchema, IngestResultSchema } from '../../contract/ingest.js';
import { Invalid } from '../../errors.js';
import { ingestBatch } from '../../ingest/ingest.js';
import { callerOf } from '../edge/principal.js';
import type { AppContext } from '../context.js';

/** Parses NDJSON: one JSON value per non-blank line; a bad line is a 400 naming it. */
export function parseNdjson(text: string): unknown[] {
  const rows: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    try {
      rows.push(JSON.parse(line));
    } catch {
      throw new Invalid(`Line ${i + 1} is not valid JSON`);
    }
  }
  return rows;
}

/** `POST /v1/ingest/{entity}`: the platform's data contract, all-or-nothing per batch. */
export async function ingestRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (scoped) => {
    scoped.addContentTypeParser(['application/x-ndjson', 'application/jsonl'], { parseAs: 'string', bodyLimit: ctx.config.ingestMaxBytes }, (_req, body, done) => {
      try {
        done(null, parseNdjson(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    const r = scoped.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/v1/ingest/:entity',
      {
        bodyLimit: ctx.config.ingestMaxBytes,
        // Ingest validation names unstorable text as {index, field}, like every other bad row.
        config: { access: { via: 'either', scopes: ['ingest'] }, bodyText: 'route' },
        schema: {
          tags: ['ingest'],
          summary: 'Upsert a batch of records (JSON array or NDJSON); needs the ingest scope',
          description:
            'Idempotent by id within your org. All-or-nothing: any invalid row answers 422 with {index, field, message} per problem and nothing is written. The response is sent after commit.',
          params: IngestParamsSchema,
          body: IngestBodySchema,
          response: { 200: IngestResultSchema, ...STANDARD_ERRORS, 413: STANDARD_ERRORS[400], 415: STANDARD_ERRORS[400], 422: STANDARD_ERRORS[400] },
        },
      },
      async (req) => {
        return ingestBatch(ctx.store, callerOf(req).orgId, req.params.entity, req.body);
      },
    );
  });
}
