import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACCESS } from '../src/http/edge/access.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { installContractCheck } from './helpers/contract.js';
import { seedRuns, waitForExport } from './helpers/platform.js';
import { DIALECTS } from './helpers/stores.js';

/** Vendor surfaces describe their vendors' APIs; the contract covers the native one. */
const VENDOR_TAGS = ['gumloop', 'langdock', 'agentbot', 'humanloop'];
/** Answers without a body (204) or with only a Location (302), and the file download (not JSON). */
const BODYLESS = ['204', '302'];
const FILE_ROUTES = ['GET /v1/files/{token}'];

type Operation = { tags?: string[]; security?: unknown[]; responses?: Record<string, { content?: Record<string, { schema?: { properties?: object } }> }> };

/** Every native operation of the OpenAPI document, as `METHOD /path`. */
function nativeOperations(doc: { paths: Record<string, Record<string, Operation>> }): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => !op.tags?.some((tag) => VENDOR_TAGS.includes(tag)))
      .map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Operation]),
  );
}

const propertiesOf = (op: Operation, status: string) => op.responses?.[status]?.content?.['application/json']?.schema?.properties;

for (const dialect of DIALECTS) {
  describe(`API contract (${dialect})`, () => {
    let t: TestApp;
    let doc: { paths: Record<string, Record<string, Operation>> };
    beforeAll(async () => {
      t = await createTestApp(dialect);
      await seedRuns(t, 20);
      doc = (await t.app.inject({ url: '/openapi.json' })).json();
    });
    afterAll(async () => t?.close());

    it('describes a JSON body with properties for every 2xx of every native route, and its errors', () => {
      const ops = nativeOperations(doc);
      expect(ops.length).toBeGreaterThan(15);
      const missing: string[] = [];
      for (const [name, op] of ops) {
        if (FILE_ROUTES.includes(name)) continue;
        const success = Object.keys(op.responses ?? {}).filter((s) => /^2\d\d$|^302$/.test(s));
        if (success.length === 0) missing.push(`${name}: no 2xx response declared`);
        for (const status of success.filter((s) => !BODYLESS.includes(s))) if (!propertiesOf(op, status)) missing.push(`${name} ${status}: no properties`);
        // A route that needs credentials says what its refusals look like.
        const authenticated = !(Array.isArray(op.security) && op.security.length === 0);
        if (authenticated) for (const status of ['400', '401', '403']) if (!propertiesOf(op, status)) missing.push(`${name} ${status}: no error body`);
      }
      expect(missing).toEqual([]);
    });

    it('answers every native route as its schema says (walked once; no violations recorded)', async () => {
      const admin = bearer(t.orgA.admin.key);
      const ok = async <R extends { statusCode: number; body: string }>(res: R, status = 200): Promise<R> => {
        expect(res.statusCode, res.body).toBe(status);
        return res;
      };
      await ok(await t.app.inject({ url: '/healthz' }));
      await ok(await t.app.inject({ url: '/readyz' }));
      const login = await ok(await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: t.orgA.admin.email, password: t.orgA.admin.password } }));
      const cookie = String(login.headers['set-cookie']).split(';')[0];
      await ok(await t.app.inject({ url: '/v1/me', headers: { cookie } }));
      await ok(await t.app.inject({ url: '/v1/me', headers: admin }));
      await ok(await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: { cookie } }), 204);

      const key = await ok(await t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: admin, payload: { name: 'walk', scopes: ['export'] } }), 201);
      await ok(await t.app.inject({ url: '/v1/api-keys', headers: admin }));
      await ok(await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${key.json().id}`, headers: admin }));

      await ok(await t.app.inject({ method: 'POST', url: '/v1/ingest/workspaces', headers: admin, payload: [{ id: 'ws_walk', name: 'Walk', kind: 'team', created_at: '2025-03-01T00:00:00Z' }] }));
      await ok(await t.app.inject({ url: '/v1/org', headers: admin }));
      await ok(await t.app.inject({ method: 'PATCH', url: '/v1/org', headers: admin, payload: { retention_days: 30 } }));
      await ok(await t.app.inject({ url: '/v1/audit', headers: admin }));
      await ok(await t.app.inject({ url: '/v1/datasets' }));
      await ok(await t.app.inject({ url: '/v1/workspaces', headers: admin }));
      await ok(await t.app.inject({ url: '/v1/datasets/credit_logs/filters/category', headers: admin }));
      await ok(await t.app.inject({ url: '/v1/overview?from=2025-03-01&to=2025-03-31', headers: admin }));

      const body = { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31', all_workspaces: true };
      await ok(await t.app.inject({ method: 'POST', url: '/v1/exports/estimate', headers: admin, payload: body }));
      const created = await ok(await t.app.inject({ method: 'POST', url: '/v1/exports', headers: admin, payload: body }), 202);
      const id = created.json().id;
      await waitForExport(t, id, t.orgA.admin.key);
      await ok(await t.app.inject({ url: `/v1/exports/${id}`, headers: admin }));
      await ok(await t.app.inject({ url: '/v1/exports', headers: admin }));
      const redirect = await ok(await t.app.inject({ url: `/v1/exports/${id}/download`, headers: admin }), 302);
      await ok(await t.app.inject({ url: new URL(String(redirect.headers.location)).pathname }));
      await ok(await t.app.inject({ url: `/v1/exports/${id}/manifest`, headers: admin }));
      await ok(await t.app.inject({ method: 'DELETE', url: `/v1/exports/${id}`, headers: admin }), 204);
      // With the worker stopped an export stays queued, so cancelling it answers 200, not a 409 race.
      await t.ctx.worker?.stop();
      const queued = await ok(await t.app.inject({ method: 'POST', url: '/v1/exports', headers: admin, payload: body }), 202);
      await ok(await t.app.inject({ method: 'POST', url: `/v1/exports/${queued.json().id}/cancel`, headers: admin }));

      // Drains and schedules need a receiver and a clock: their own suites (test/drains*.test.ts,
      // test/schedules.test.ts) walk them, and their test apps fail on any violation just the same.
      const walked = nativeOperations(doc)
        .map(([name]) => name.replace(/\{(\w+)\}/g, ':$1'))
        .filter((name) => !/ \/v1\/(drains|schedules)(\/|$)/.test(name));
      expect(walked.filter((name) => !t.contract.seen.has(name))).toEqual([]);
      expect(t.contract.violations).toEqual([]);
    });
  });
}

describe('the contract check', () => {
  const Wrong = z.object({ id: z.string(), count: z.number().int() });
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const check = installContractCheck(app);
  const config = { access: ACCESS.public };
  // Returned through the serializer: zod refuses it before it is sent.
  app.get('/serialized', { config, schema: { response: { 200: Wrong } } }, async () => ({ id: 'x', count: 'many' }) as never);
  // Sent pre-serialized, past the serializer: only the check sees it.
  app.get('/raw', { config, schema: { response: { 200: Wrong } } }, async (_req, reply) => reply.type('application/json').send(JSON.stringify({ id: 1 }) as never));
  // A 2xx of a route that declares no schema for it.
  app.get('/undeclared', { config }, async () => ({ id: 'x' }));
  afterAll(() => app.close());

  it('refuses a wrong body in the serializer, and records one that bypasses it or has no schema', async () => {
    expect((await app.inject({ url: '/serialized' })).statusCode).toBe(500);
    expect((await app.inject({ url: '/raw' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/undeclared' })).statusCode).toBe(200);
    expect(check.violations.map((v) => [v.route, v.status])).toEqual([
      ['GET /raw', 200],
      ['GET /undeclared', 200],
    ]);
    expect(check.violations[0].problem).toMatch(/id|count/);
  });
});
