import { z } from 'zod';

/** `GET /v1/me/preferences`: the caller's own console settings, defaults applied. */
export const PreferencesSchema = z.object({
  email_on_completion: z
    .boolean()
    .describe('Exports you start in the console or through the Gumloop API email you (your account email) when they complete or fail; on unless you turn it off'),
});
export type PreferencesView = z.output<typeof PreferencesSchema>;

/** The body of `PATCH /v1/me/preferences`: only the settings to change. */
export const PreferencesPatchSchema = z.object({ email_on_completion: z.boolean().optional() }).strict();
export type PreferencesPatch = z.input<typeof PreferencesPatchSchema>;
