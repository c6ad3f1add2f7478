import { defineFields } from './fields.js';
import { PERIOD_FIELDS, sumOf, usageDataset } from './usage.js';

/*
 * Langdock's API keys export: one row per platform API key used in the period (group_by=model: per key
 * and model). The keys are the platform's own, ingested as `platform_api_keys`, not Sluice's.
 */

const fields = defineFields({
  ...PERIOD_FIELDS,
  api_key_id: { type: 'string', group: 'API key', description: 'Id of the API key' },
  api_key_name: { type: 'string', group: 'API key', description: 'Name of the API key; empty when the key is not known' },
  model: { type: 'string', group: 'Model', description: 'Model of this row (group_by=model only)', groupBy: 'model' },
  requests: { type: 'integer', group: 'Usage', description: 'API requests (messages) made with the key in the period' },
  total_cost_usd: { type: 'number', group: 'Usage', description: 'API usage cost in USD' },
  sum_prompt_tokens: { type: 'integer', group: 'Tokens', description: 'Total input tokens' },
  sum_completion_tokens: { type: 'integer', group: 'Tokens', description: 'Total output tokens' },
  requests_rank: { type: 'integer', group: 'Usage', description: 'Position among keys by requests (1 = most; per model when grouped)', default: false },
  model_to_messages_total: { type: 'json', group: 'Model', description: 'JSON object: model → requests made with the key', default: false },
});

/** Per-API-key usage for a period (Langdock api-keys export). */
export const apiKeysUsage = usageDataset({
  name: 'api_keys_usage',
  title: 'API key usage',
  description: 'One row per platform API key for the period: requests, tokens and cost',
  fields,
  filters: ['group_by'],
  groupBy: ['model'],
  scopes: ['organization'],
  keys: { api_key_id: 'm.api_key_id' },
  groups: { model: 'm.model' },
  measures: {
    requests: 'count(*)',
    total_cost_usd: sumOf('m.cost_usd'),
    sum_prompt_tokens: sumOf('m.prompt_tokens'),
    sum_completion_tokens: sumOf('m.completion_tokens'),
  },
  ranks: { requests_rank: 'requests' },
  maps: { model_to_messages_total: 'm.model' },
  attach: (qb, q) =>
    qb
      .leftJoin('platform_api_keys as k', (j: any) => j.onRef('k.id', '=', 'agg.api_key_id').on('k.org_id', '=', q.orgId))
      .select(['k.name as api_key_name']),
});
