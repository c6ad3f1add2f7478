import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LoginRequestSchema, LoginResponseSchema, MeSchema } from '../../contract/auth.js';
import { STANDARD_ERRORS } from '../../contract/errors.js';
import type { Role } from '../../contract/vocabulary.js';
import { getOrg } from '../../auth/accounts.js';
import { createLoginThrottle, type Lockout } from '../../auth/login-throttle.js';
import { SESSION_COOKIE, login, logout } from '../../auth/sessions.js';
import { NotFound } from '../../errors.js';
import { ACCESS } from '../edge/access.js';
import { callerOf, originOf } from '../edge/principal.js';
import type { AppContext } from '../context.js';

/** Console login/logout with an HttpOnly session cookie, and "who am I". */
export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const secure = ctx.config.publicUrl.startsWith('https://');
  // One per app: per account 5 failures, per client address 20, within 15 minutes; locks double.
  const throttle = createLoginThrottle();

  r.post(
    '/v1/auth/login',
    {
      config: { access: ACCESS.public },
      schema: {
        tags: ['auth'],
        summary: 'Log in with email and password; sets the session cookie',
        description:
          'After 5 failed attempts for one email, or 20 from one client address, within 15 minutes, logins answer 429 with Retry-After; each further lockout doubles it.',
        security: [],
        body: LoginRequestSchema,
        response: { 200: LoginResponseSchema, ...STANDARD_ERRORS },
      },
    },
    async (req, reply) => {
      const origin = originOf(req);
      const onLockout = (lockout: Lockout) => req.log.warn({ subject: lockout.subject, retryAfterSeconds: lockout.retryAfterSeconds, ip: origin.ip }, 'login locked out');
      const { token, expiresAt, principal } = await login(ctx.store, req.body.email, req.body.password, { throttle, origin, onLockout });
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secure || req.protocol === 'https',
        path: '/',
        expires: new Date(expiresAt),
      });
      return { user_id: principal.userId, org_id: principal.orgId, role: principal.role };
    },
  );

  r.post(
    '/v1/auth/logout',
    { config: { access: ACCESS.public }, schema: { tags: ['auth'], summary: 'End the session', security: [], response: { 204: z.null().describe('Logged out'), ...STANDARD_ERRORS } } },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await logout(ctx.store, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  r.get('/v1/me', { config: { access: ACCESS.signedIn }, schema: { tags: ['auth'], summary: 'The caller: user, org and permissions', response: { 200: MeSchema, ...STANDARD_ERRORS } } }, async (req) => {
    const p = callerOf(req);
    const user = await ctx.store.db.selectFrom('users').selectAll().where('org_id', '=', p.orgId).where('id', '=', p.userId).$narrowType<{ role: Role }>().executeTakeFirst();
    if (!user) throw new NotFound('User');
    const org = await getOrg(ctx.store, p.orgId);
    return {
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
      org: { id: org.id, name: org.name, user_level_data: org.userLevelData },
      scopes: [...p.scopes],
      via: p.via,
    };
  });
}
