import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getPreferences, setPreferences, type Preferences } from '../../auth/preferences.js';
import { STANDARD_ERRORS } from '../../contract/errors.js';
import { PreferencesPatchSchema, PreferencesSchema, type PreferencesView } from '../../contract/preferences.js';
import type { AppContext } from '../context.js';
import { ACCESS } from '../edge/access.js';
import { callerOf } from '../edge/principal.js';

const view = (p: Preferences): PreferencesView => ({ email_on_completion: p.emailOnCompletion });
const errors = { ...STANDARD_ERRORS, 422: STANDARD_ERRORS[400] };

/** The caller's own console settings (every signed-in person has their own; nobody else's is reachable). */
export async function preferenceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/me/preferences',
    { config: { access: ACCESS.signedIn }, schema: { tags: ['auth'], summary: 'Your own settings: whether console exports email you when they finish', response: { 200: PreferencesSchema, ...errors } } },
    async (req) => {
      const p = callerOf(req);
      return view(await getPreferences(ctx.store, p.orgId, p.userId));
    },
  );
  r.patch(
    '/v1/me/preferences',
    {
      config: { access: ACCESS.signedIn },
      schema: {
        tags: ['auth'],
        summary: 'Change your own settings',
        description: '`{"email_on_completion": false}` stops the completion email of exports you start in the console or through the Gumloop API (an export can still ask for one with `notify_email`).',
        body: PreferencesPatchSchema,
        response: { 200: PreferencesSchema, ...errors },
      },
    },
    async (req) => {
      const p = callerOf(req);
      return view(await setPreferences(ctx.store, p.orgId, p.userId, { ...(req.body.email_on_completion !== undefined ? { emailOnCompletion: req.body.email_on_completion } : {}) }));
    },
  );
}
