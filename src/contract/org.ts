import { z } from 'zod';

/** `GET /v1/org`: the caller's organization and its settings, with defaults applied. */
export const OrgSchema = z.object({
  id: z.string(),
  name: z.string(),
  user_level_data: z.boolean().describe('When false, names and emails are left out of every export (or replaced by stable pseudonyms)'),
  retention_days: z.number().int().describe("Days an export file is kept before it expires (the org's own, else the server default)"),
  notify_email: z.string().nullable().describe('Where completion emails go when an export names no address'),
  created_at: z.iso.datetime(),
});
export type OrgView = z.output<typeof OrgSchema>;

/** The body of `PATCH /v1/org` (admins): only the settings to change. */
export const OrgPatchSchema = z
  .object({
    user_level_data: z.boolean().optional(),
    retention_days: z.number().int().min(1).max(365).optional(),
    notify_email: z.email().nullable().optional(),
  })
  .strict();
export type OrgPatch = z.input<typeof OrgPatchSchema>;
