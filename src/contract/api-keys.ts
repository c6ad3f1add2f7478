import { z } from 'zod';
import { API_KEY_SCOPES } from './vocabulary.js';

/** An API key as listed: never the secret itself. */
export const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('First characters of the key, to recognize it'),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  userId: z.string(),
  owner: z.object({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() }).describe('The user the key acts as'),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiKey = z.output<typeof ApiKeySchema>;

/** The body of `POST /v1/api-keys`. */
export const CreateApiKeyRequestSchema = z.object({
  name: z.string().trim().min(1).max(100).describe('What the key is for'),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).describe('export: run and download exports; ingest: send usage records; admin: org settings, audit, all keys'),
  expires_at: z.iso.datetime({ offset: true }).optional().describe('When the key stops working (ISO 8601); omit for no expiry'),
});
export type CreateApiKeyRequest = z.input<typeof CreateApiKeyRequestSchema>;

/** `POST /v1/api-keys`: the new key with its secret, shown this once. */
export const CreatedApiKeySchema = ApiKeySchema.extend({ key: z.string().describe('The secret key. Shown only now; store it safely.') });
export type CreatedApiKey = z.output<typeof CreatedApiKeySchema>;

/** `GET /v1/api-keys`. */
export const ApiKeyListSchema = z.object({ data: z.array(ApiKeySchema) });
export type ApiKeyList = z.output<typeof ApiKeyListSchema>;

/** Path of `DELETE /v1/api-keys/{id}`. */
export const ApiKeyParamsSchema = z.object({ id: z.string().describe('API key id') });
