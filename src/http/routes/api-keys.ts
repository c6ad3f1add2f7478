import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createApiKey, listApiKeys, revokeApiKey } from '../../auth/api-keys.js';
import { audit } from '../../auth/audit.js';
import { actsAsAdmin } from '../../auth/principal.js';
import { ApiKeyListSchema, ApiKeyParamsSchema, ApiKeySchema, CreateApiKeyRequestSchema, CreatedApiKeySchema } from '../../contract/api-keys.js';
import { STANDARD_ERRORS } from '../../contract/errors.js';
import { Forbidden } from '../../errors.js';
import { ACCESS } from '../edge/access.js';
import { callerOf, originOf } from '../edge/principal.js';
import type { AppContext } from '../context.js';

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
        body: CreateApiKeyRequestSchema,
        response: { 201: CreatedApiKeySchema, ...STANDARD_ERRORS },
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
    { config: { access: ACCESS.signedIn }, schema: { tags: ['api-keys'], summary: "List keys (admins: the whole org's; members: their own)", response: { 200: ApiKeyListSchema, ...STANDARD_ERRORS } } },
    async (req) => {
      const p = callerOf(req);
      const all = actsAsAdmin(p);
      return { data: await listApiKeys(ctx.store, p.orgId, all ? undefined : p.userId) };
    },
  );

  r.delete(
    '/v1/api-keys/:id',
    { config: { access: ACCESS.signedIn }, schema: { tags: ['api-keys'], summary: 'Revoke a key', params: ApiKeyParamsSchema, response: { 200: ApiKeySchema, ...STANDARD_ERRORS } } },
    async (req) => {
      const p = callerOf(req);
      const all = actsAsAdmin(p);
      const key = await revokeApiKey(ctx.store, p.orgId, req.params.id, all ? undefined : p.userId);
      await audit(ctx.store, p, 'api_key.revoked', { type: 'api_key', id: key.id }, originOf(req));
      return key;
    },
  );
}
