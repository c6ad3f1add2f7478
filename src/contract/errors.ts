import { z } from 'zod';

/** Every native error body: a registered code, a message safe to show, and optional detail. */
export const ApiErrorSchema = z
  .object({
    error: z.string().describe('Registered error code, e.g. not_found, missing_scope, row_limit (see the README)'),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe('Bad input: one entry per problem'),
  })
  .catchall(z.unknown());
export type ApiError = z.output<typeof ApiErrorSchema>;

/** The error responses every authenticated native route may give. */
export const STANDARD_ERRORS = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema, 429: ApiErrorSchema } as const;
