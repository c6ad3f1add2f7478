import type { Dataset as DatasetDescription } from '../contract/datasets.js';
import { Unprocessable } from '../errors.js';
import { account } from './account.js';
import { agentInteractions } from './agent-interactions.js';
import { agents } from './agents.js';
import { agentsUsage } from './agents-usage.js';
import { apiKeysUsage } from './api-keys-usage.js';
import { creditLogs } from './credit-logs.js';
import { fieldLabel } from './labels.js';
import { llmLogs } from './llm-logs.js';
import { modelsUsage } from './models-usage.js';
import { projectsUsage } from './projects-usage.js';
import type { Dataset, FieldDef } from './types.js';
import { usersUsage } from './users-usage.js';
import { workflowRuns } from './workflow-runs.js';

/** Every dataset that can be exported, by name, in the order the console lists them. */
export const datasets: Readonly<Record<string, Dataset>> = Object.freeze(
  Object.fromEntries(
    [workflowRuns, agents, agentInteractions, creditLogs, llmLogs, usersUsage, agentsUsage, projectsUsage, modelsUsage, apiKeysUsage, account].map((d) => [
      d.name,
      d,
    ]),
  ),
);

export const datasetNames: readonly string[] = Object.freeze(Object.keys(datasets));

/**
 * The dataset of that name; throws `Unprocessable` listing the valid names otherwise.
 * @example getDataset('workflow_runs').fields.map((f) => f.name)
 */
export function getDataset(name: string): Dataset {
  if (typeof name === 'string' && Object.hasOwn(datasets, name)) return datasets[name];
  throw new Unprocessable(`Unknown dataset '${String(name)}'; valid datasets: ${datasetNames.join(', ')}`, {
    field: 'dataset',
    valid_datasets: datasetNames,
  });
}

/** The whole catalogue as plain JSON for `GET /v1/datasets`, the OpenAPI document and the console. */
export function describeCatalogue(): DatasetDescription[] {
  return Object.values(datasets).map((d) => ({
    name: d.name,
    title: d.title,
    description: d.description,
    kind: d.kind,
    scopes: [...d.scopes],
    filters: [...d.filters],
    group_by: [...d.groupBy],
    org_wide: d.orgWide,
    fields: d.fields.map((f) => ({ name: f.name, label: fieldLabel(d.name, f.name), type: f.type, description: f.description, pii: f.pii, default: f.default, group: f.group })),
  }));
}

/**
 * The fields of an export, in the requested order; with none requested, the dataset's default fields
 * (plus the column a `group_by` adds). Unknown or repeated names → `Unprocessable` listing valid names.
 * @example resolveFields(getDataset('credit_logs'), ['log_id', 'amount'])
 */
export function resolveFields(dataset: Dataset, requested?: readonly string[] | null, groupBy?: string | null): FieldDef[] {
  if (!requested || requested.length === 0) return dataset.fields.filter((f) => f.default || (groupBy != null && f.groupBy === groupBy));
  const byName = new Map(dataset.fields.map((f) => [f.name, f]));
  const valid = dataset.fields.map((f) => f.name);
  const unknown = requested.filter((n) => !byName.has(n));
  if (unknown.length > 0) {
    throw new Unprocessable(`Unknown field(s) for ${dataset.name}: ${unknown.join(', ')}; valid fields: ${valid.join(', ')}`, {
      field: 'fields',
      invalid_fields: unknown,
      valid_fields: valid,
    });
  }
  const seen = new Set<string>();
  const repeated = requested.filter((n) => (seen.has(n) ? true : (seen.add(n), false)));
  if (repeated.length > 0) {
    throw new Unprocessable(`Field(s) requested more than once: ${[...new Set(repeated)].join(', ')}`, { field: 'fields', duplicate_fields: [...new Set(repeated)] });
  }
  return requested.map((n) => byName.get(n)!);
}
