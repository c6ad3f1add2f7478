import { z } from 'zod';
import { INGEST_ENTITIES } from './vocabulary.js';

/** Path of `POST /v1/ingest/{entity}`. */
export const IngestParamsSchema = z.object({ entity: z.enum(INGEST_ENTITIES).describe('Entity of the data contract') });

/** The body: records of the entity (each checked against the entity's schema on the server). */
export const IngestBodySchema = z.array(z.unknown()).max(1_000_000).describe('Records of the entity (JSON array, or application/x-ndjson)');

/** `POST /v1/ingest/{entity}`: how many records were upserted (sent after commit). */
export const IngestResultSchema = z.object({ entity: z.enum(INGEST_ENTITIES), upserted: z.number().int() });
export type IngestResult = z.output<typeof IngestResultSchema>;
