import { defineFields } from './fields.js';
import { PERIOD_FIELDS, sumOf, usageDataset } from './usage.js';

/*
 * Langdock's models export: one row per model name, provider and BYOK state with requests in the period;
 * group_by=source splits each into one row per source (chat, agent, project, api), group_by=deployment into
 * one row per BYOK deployment. The token and cost
 * columns Langdock shows to BYOK workspaces are always present (empty when the platform sends none).
 */

const fields = defineFields({
  ...PERIOD_FIELDS,
  name: { type: 'string', group: 'Model', description: 'Model name as the platform reports it' },
  provider: { type: 'string', group: 'Model', description: 'Model provider, e.g. openai, anthropic' },
  bring_your_keys: { type: 'boolean', group: 'Model', description: 'Whether the usage ran on the customer’s own provider key (BYOK)' },
  source: { type: 'string', group: 'Model', description: 'Where the messages came from: chat, agent, project or api (group_by=source only)', groupBy: 'source' },
  deployment: { type: 'string', group: 'Model', description: 'BYOK deployment the requests went to, e.g. azure-westeurope (group_by=deployment only)', groupBy: 'deployment' },
  requests: { type: 'integer', group: 'Usage', description: 'Requests (messages) sent to the model in the period' },
  sum_prompt_tokens: { type: 'integer', group: 'Tokens', description: 'Total input tokens' },
  sum_completion_tokens: { type: 'integer', group: 'Tokens', description: 'Total output tokens' },
  sum_cached_prompt_tokens: { type: 'integer', group: 'Tokens', description: 'Input tokens read from the provider’s prompt cache' },
  sum_cache_creation_tokens: { type: 'integer', group: 'Tokens', description: 'Input tokens written to the provider’s prompt cache' },
  no_cache_tokens: { type: 'integer', group: 'Tokens', description: 'Input tokens not served from cache (sum_prompt_tokens − sum_cached_prompt_tokens)' },
  total_cost_usd: { type: 'number', group: 'Tokens', description: 'Estimated provider cost in USD' },
  users_total: { type: 'integer', group: 'Usage', description: 'Distinct users who used the model', default: false },
});

/** Per-model usage for a period (Langdock models export). */
export const modelsUsage = usageDataset({
  name: 'models_usage',
  title: 'Model usage',
  description: 'One row per model, provider and BYOK state for the period: requests, tokens and cost',
  fields,
  filters: ['group_by'],
  groupBy: ['source', 'deployment'],
  scopes: ['organization'],
  keys: { name: 'm.model', provider: 'm.provider', bring_your_keys: 'coalesce(m.byok, 0)' },
  groups: { source: 'm.source', deployment: 'm.deployment' },
  measures: {
    requests: 'count(*)',
    sum_prompt_tokens: sumOf('m.prompt_tokens'),
    sum_completion_tokens: sumOf('m.completion_tokens'),
    sum_cached_prompt_tokens: sumOf('m.cached_prompt_tokens'),
    sum_cache_creation_tokens: sumOf('m.cache_creation_tokens'),
    no_cache_tokens: sumOf('(m.prompt_tokens - coalesce(m.cached_prompt_tokens, 0))'),
    total_cost_usd: sumOf('m.cost_usd'),
    users_total: 'count(distinct m.user_id)',
  },
});
