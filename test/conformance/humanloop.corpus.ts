import type { CorpusCase } from './types.js';

/* Humanloop v4 Projects Export (seed 003). */

const SEED = 'seeds/003 (Humanloop v4 Projects Export)';
/** Every key of the documented record, in the documented order. */
export const HUMANLOOP_RECORD_KEYS = [
  'id', 'config', 'evaluation_results', 'observability_status', 'updated_at', 'project', 'project_id', 'session_id', 'session_reference_id',
  'parent_id', 'parent_reference_id', 'inputs', 'source', 'metadata', 'save', 'source_datapoint_id', 'reference_id', 'messages', 'output',
  'judgment', 'config_id', 'environment', 'feedback', 'created_at', 'error', 'stdout', 'duration', 'output_message', 'prompt_tokens',
  'output_tokens', 'prompt_cost', 'output_cost', 'provider_request', 'provider_response', 'user', 'provider_latency', 'tokens', 'raw_output',
  'finish_reason', 'tools', 'tool_choice', 'batch_ids',
] as const;

export const humanloopCorpus: readonly CorpusCase[] = [
  {
    name: 'the seed’s request: page and size default to 0 and 10',
    source: SEED,
    method: 'POST',
    path: '/v4/projects/id/export',
    headers: { 'X-API-KEY': '{{KEY}}' },
    expect: { status: 200, keys: ['records', 'page', 'size', 'total'], json: { page: 0, size: 10, total: 3 } },
  },
  {
    name: 'page and size as query parameters; the SDK’s bodiless form-encoded POST',
    source: SEED,
    method: 'POST',
    path: '/v4/projects/id/export?page=1&size=2',
    headers: { 'X-API-KEY': '{{KEY}}', 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-mode': 'cors' },
    body: '',
    expect: { status: 200, json: { page: 1, size: 2, total: 3 } },
  },
  {
    name: 'a bad size is a FastAPI 422',
    source: SEED,
    method: 'POST',
    path: '/v4/projects/id/export?size=0',
    headers: { 'X-API-KEY': '{{KEY}}' },
    expect: { status: 422, json: { detail: [{ loc: ['query', 'size'], type: 'value_error.number.not_ge' }] } },
  },
  {
    name: 'a non-integer page is a FastAPI 422',
    source: SEED,
    method: 'POST',
    path: '/v4/projects/id/export?page=first',
    headers: { 'X-API-KEY': '{{KEY}}' },
    expect: { status: 422, json: { detail: [{ loc: ['query', 'page'], type: 'type_error.integer' }] } },
  },
  {
    name: 'an unknown project',
    source: SEED,
    method: 'POST',
    path: '/v4/projects/pr_unknown/export',
    headers: { 'X-API-KEY': '{{KEY}}' },
    expect: { status: 404, keys: ['detail'] },
  },
  {
    name: 'no key',
    source: SEED,
    method: 'POST',
    path: '/v4/projects/id/export',
    expect: { status: 401, keys: ['detail'] },
  },
];
