import fc from 'fast-check';
import { anyJson, anyString } from './values.js';

/*
 * Ingest takes `unknown[]` in the OpenAPI document, so the fuzzer brings the data contract itself:
 * a valid row per entity, sent as it is or with one field replaced (or added) by something hostile.
 */

const T = '2025-03-05T10:00:00Z';
const ROWS: Record<string, Record<string, unknown>> = {
  workflow_runs: { id: 'fz_run', workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', trigger: 'api', credit_cost: 1.5, created_at: T, finished_at: T },
  workflows: { id: 'fz_wf', workspace_id: 'ws_team1', name: 'Fuzz', enabled: true, created_by: 'u_admin', pipeline: { steps: [1] }, created_at: T },
  users: { id: 'fz_user', email: 'fz@example.com', role: 'member', referral_credits: 2, workspace_ids: ['ws_team1'], created_at: T },
  agent_interactions: { id: 'fz_ai', agent_id: 'ag_1', user_id: 'u_admin', interaction_type: 'chat', credit_cost: 1, message_count: 3, created_at: T },
  messages: { id: 'fz_msg', source: 'chat', model: 'gpt-4o', provider: 'openai', prompt_tokens: 10, completion_tokens: 20, cost_usd: 0.1, created_at: T },
  llm_logs: { id: 'fz_log', project_id: 'pr_1', created_at: T, output: 'hi', metadata: { a: 1 } },
  credit_logs: { id: 'fz_cl', category: 'PIPELINE_RUN', amount: -2, balance: 10, created_at: T },
};

const hostile = fc.oneof(
  anyString,
  anyJson,
  fc.constantFrom<unknown>(2 ** 31, 3e9, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e308, -1, 0.5, '2026-02-30T00:00:00Z', '9999-12-31T23:59:59Z', '2025-03-05T10:00:00+24:00'),
);

/** One row of `entity`: valid a third of the time, otherwise with one field made hostile. */
function row(entity: string): fc.Arbitrary<unknown> {
  const base = ROWS[entity];
  const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...Object.keys(base)) }, { weight: 1, arbitrary: fc.constantFrom('extra', '__proto__', '') });
  return fc.oneof(
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }).map((suffix) => ({ ...base, id: `${base.id}_${suffix}` })) },
    { weight: 2, arbitrary: fc.tuple(key, hostile).map(([k, v]) => Object.defineProperty({ ...base }, k, { value: v, enumerable: true, configurable: true, writable: true })) },
  );
}

/**
 * An ingest target and batch: the entity of the path and rows of (mostly) that entity.
 * @example fc.sample(ingestBatch(), 1)[0] // { entity: 'messages', rows: [...] }
 */
export function ingestBatch(): fc.Arbitrary<{ entity: string; rows: unknown[] }> {
  return fc.constantFrom(...Object.keys(ROWS)).chain((entity) =>
    fc.record({
      entity: fc.oneof({ weight: 9, arbitrary: fc.constant(entity) }, { weight: 1, arbitrary: anyString }),
      rows: fc.array(fc.oneof({ weight: 9, arbitrary: row(entity) }, { weight: 1, arbitrary: anyJson }), { minLength: 1, maxLength: 4 }),
    }),
  );
}
