import { z } from 'zod';

/** Query of `GET /v1/audit`. */
export const AuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.iso.datetime({ offset: true }).optional().describe('Page: entries strictly older than this'),
  action: z.string().optional().describe('e.g. export.created, export.downloaded'),
});

/** One audit entry: who did what to which object, when and from where. */
export const AuditEntrySchema = z.object({
  id: z.string(),
  action: z.string().describe('e.g. export.created, api_key.revoked, org.updated'),
  actor_user_id: z.string().nullable(),
  actor_key_id: z.string().nullable().describe('The API key used, when not the console session'),
  target_type: z.string(),
  target_id: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  details: z.unknown().describe('What changed, as recorded (JSON), or null'),
  created_at: z.iso.datetime(),
});
export type AuditEntry = z.output<typeof AuditEntrySchema>;

/** `GET /v1/audit`: newest first; pass next_before as `before` for the next page. */
export const AuditListSchema = z.object({ data: z.array(AuditEntrySchema), next_before: z.iso.datetime().nullable() });
export type AuditList = z.output<typeof AuditListSchema>;
