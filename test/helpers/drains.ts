import type { InjectOptions } from 'fastify';
import { bearer, type TestApp } from './app.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A workflow run as ingest takes it (workflow wf_1, 1 credit, 2025-03-01 10:00 UTC unless overridden). */
export const run = (id: string, extra: Record<string, unknown> = {}) => ({
  id, workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: 1, created_at: '2025-03-01T10:00:00Z', ...extra,
});

/**
 * Org A's drains through the API as its admin: create (a workflow_runs drain from the start to `url`
 * unless the body says otherwise), read, the delivery log, and `until` (runs the drain now until `done`).
 * The app and receiver are read when used (suites start them in beforeAll / beforeEach).
 * @example const drains = drainApi(() => t, () => rx.url); const d = (await drains.create({ fields: ['run_id'] })).json();
 */
export function drainApi(app: () => TestApp, url: () => string) {
  const admin = () => bearer(app().orgA.admin.key);
  const inject = (opts: InjectOptions) => app().app.inject(opts);
  const get = async (id: string) => (await inject({ url: `/v1/drains/${id}`, headers: admin() })).json();
  return {
    admin,
    get,
    create: (body: Record<string, unknown>) =>
      inject({ method: 'POST', url: '/v1/drains', headers: admin(), payload: { name: 'runs', dataset: 'workflow_runs', destination: { type: 'http', url: url() }, start: 'all', ...body } }),
    /** The delivery log, newest first. */
    deliveries: async (id: string) => (await inject({ url: `/v1/drains/${id}/deliveries`, headers: admin() })).json().data as any[],
    /** Nudges the drain (run now) until `done` holds. */
    async until(id: string, done: () => boolean | Promise<boolean>, ms = 30_000) {
      const end = Date.now() + ms;
      while (!(await done())) {
        if (Date.now() > end) throw new Error(`timed out; drain: ${JSON.stringify(await get(id))}`);
        await inject({ method: 'POST', url: `/v1/drains/${id}/run`, headers: admin() });
        await sleep(50);
      }
    },
  };
}
