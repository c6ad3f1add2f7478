import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey } from '../../auth/api-keys.js';
import { audit } from '../../auth/audit.js';
import { API_KEY_SCOPES, actsAsAdmin } from '../../auth/principal.js';
import { Forbidden } from '../../errors.js';
import { ACCESS } from '../edge/access.js';
import { callerOf, originOf } from '../edge/principal.js';
import type { AppContext } from '../context.js';

const KeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('First characters of the key, to recognize it'),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  userId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

/** Create, list and revoke API keys. A key can never carry more scopes than its creator. */
export async function apiKeyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/api-keys',
    {
      config: { access: ACCESS.signedIn },
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key (the secret is in the response, once)',
        body: z.object({
          name: z.string().trim().min(1).max(100).describe('What the key is for'),
          scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).describe('export: run and download exports; ingest: send usage records; admin: org settings, audit, all keys'),
          expires_at: z.iso.datetime({ offset: true }).optional().describe('When the key stops working (ISO 8601); omit for no expiry'),
        }),
        response: { 201: KeySchema.extend({ key: z.string().describe('The secret key. Shown only now; store it safely.') }) },
      },
    },
    async (req, reply) => {
      const p = callerOf(req);
      const excess = req.body.scopes.filter((s) => !p.scopes.includes(s));
      if (excess.length) throw new Forbidden(`You cannot grant scopes you do not hold: ${excess.join(', ')}`);
      const key = await createApiKey(ctx.store, {
        orgId: p.orgId,
        userId: p.userId,
        name: req.body.name,
        scopes: req.body.scopes,
        expiresAt: req.body.expires_at ? Date.parse(req.body.expires_at) : null,
      });
      await audit(ctx.store, p, 'api_key.created', { type: 'api_key', id: key.id }, originOf(req), { name: key.name, scopes: key.scopes });
      return reply.code(201).send(key);
    },
  );

  r.get(
    '/v1/api-keys',
    { config: { access: ACCESS.signedIn }, schema: { tags: ['api-keys'], summary: "List keys (admins: the whole org's; members: their own)", response: { 200: z.object({ data: z.array(KeySchema) }) } } },
    async (req) => {
      const p = callerOf(req);
      const all = actsAsAdmin(p);
      return { data: await listApiKeys(ctx.store, p.orgId, all ? undefined : p.userId) };
    },
  );

  r.delete(
    '/v1/api-keys/:id',
    { config: { access: ACCESS.signedIn }, schema: { tags: ['api-keys'], summary: 'Revoke a key', params: z.object({ id: z.string() }), response: { 200: KeySchema } } },
    async (req) => {
      const p = callerOf(req);
      const all = actsAsAdmin(p);
      const key = await revokeApiKey(ctx.store, p.orgId, req.params.id, all ? undefined : p.userId);
      await audit(ctx.store, p, 'api_key.revoked', { type: 'api_key', id: key.id }, originOf(req));
      return key;
    },
  );
}
