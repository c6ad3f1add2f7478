import { z } from 'zod';

/*
 * Field parsers for the data contract. Each one validates a wire value and outputs the stored value
 * (epoch ms, 0/1, JSON text, or null for an absent optional), so a parsed row *is* a table row.
 */

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** ISO 8601 date-time with an offset → epoch milliseconds (UTC). */
export const timestamp = () =>
  z
    .string({ error: 'must be an ISO 8601 timestamp with offset, e.g. 2025-01-31T12:00:00Z' })
    .regex(ISO_WITH_OFFSET, 'must be an ISO 8601 timestamp with offset, e.g. 2025-01-31T12:00:00Z')
    .transform((s, ctx) => {
      const ms = Date.parse(s);
      if (Number.isNaN(ms)) {
        ctx.addIssue({ code: 'custom', message: 'is not a valid date' });
        return z.NEVER;
      }
      return ms;
    });

/** A non-empty identifier. */
export const id = () => z.string({ error: 'must be a non-empty string' }).min(1, 'must be a non-empty string').max(256);
export const text = () => z.string({ error: 'must be a string' }).max(1_000_000);
export const num = () => z.number({ error: 'must be a number' }).finite();
export const int = () => z.number({ error: 'must be an integer' }).int('must be an integer');
export const bool = () => z.boolean({ error: 'must be true or false' }).transform((b) => (b ? 1 : 0));
/** Any JSON value, stored as JSON text. */
export const json = () => z.unknown().transform((v) => JSON.stringify(v ?? null));
export const jsonArray = () => z.array(z.unknown(), { error: 'must be an array' }).transform((v) => JSON.stringify(v));
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

/** Makes a field optional: absent or null becomes stored null. */
export const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => (v ?? null) as z.output<T> | null);
