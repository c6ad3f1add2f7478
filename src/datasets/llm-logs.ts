import { defineFields, type FieldSpec } from './fields.js';
import { whereIn, whereRange } from './filters.js';
import { derivedLogValue, isDerivedLogKey } from './llm-log-derived.js';
import { recordDataset } from './records.js';
import type { Row } from './types.js';

/*
 * Humanloop v4 project export: one row per logged LLM call, newest first. A few fields are columns (for
 * filtering and ordering); the rest of the log is kept verbatim in the `data` JSON column and picked out
 * here — the JSON is parsed only when at least one of those fields is requested.
 */

const L = 'Log';
const d = (type: FieldSpec['type'], description: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, group: L, description, ...extra });

const fields = defineFields({
  id: d('string', 'Id of the log'),
  project: { type: 'string', group: 'Project', description: 'Name of the project the log belongs to' },
  project_id: { type: 'string', group: 'Project', description: 'Id of the project (starts with pr_ on Humanloop)' },
  session_id: d('string', 'Id of the session the log is part of'),
  parent_id: d('string', 'Id of the parent log, for nested calls'),
  config: d('json', 'Model configuration used: type, id, model and parameters'),
  inputs: d('json', 'Prompt template inputs (JSON object)'),
  messages: d('json', 'Chat messages sent to the model (JSON array)'),
  output: d('string', "The model's output text"),
  output_message: d('json', "The model's output as a chat message"),
  judgment: d('json', 'Evaluator judgment, when the log is an evaluation'),
  environment: d('string', 'Deployment environment, e.g. production'),
  feedback: d('json', 'Feedback recorded on the log (JSON array)'),
  evaluation_results: d('json', 'Evaluator results for the log (JSON array)'),
  observability_status: d('string', 'pending, running, completed or failed'),
  created_at: d('timestamp', 'When the call was logged (the date range applies to this; newest first)'),
  updated_at: d('timestamp', 'When the log was last updated'),
  error: d('string', 'Error message, when the call failed'),
  stdout: d('string', 'Captured standard output of a tool or code evaluator'),
  duration: d('number', 'Duration of the call in seconds'),
  prompt_tokens: d('integer', 'Tokens in the prompt'),
  output_tokens: d('integer', 'Tokens in the output'),
  prompt_cost: d('number', 'Cost of the prompt tokens in USD'),
  output_cost: d('number', 'Cost of the output tokens in USD'),
  provider_latency: d('number', "The provider's latency in seconds"),
  tokens: d('integer', 'Total tokens (prompt_tokens + output_tokens when not sent)'),
  raw_output: d('string', 'Raw output text from the provider'),
  finish_reason: d('string', 'Why generation stopped, e.g. stop or length'),
  tools: d('json', 'Tools called during the log (JSON array)'),
  tool_choice: d('json', 'Tool choice setting: none, auto, required or a specific tool'),
  batch_ids: d('json', 'Ids of the batches the log belongs to (JSON array)'),
  source: d('string', 'Where the log came from, e.g. sdk or playground'),
  metadata: d('json', 'Free-form metadata attached to the log (JSON object)'),
  user: d('string', 'End user the call was made for', { pii: 'pseudonym' }),
  reference_id: d('string', 'Caller-supplied reference id of the log'),
  session_reference_id: d('string', 'Caller-supplied reference id of the session', { default: false }),
  parent_reference_id: d('string', 'Caller-supplied reference id of the parent log', { default: false }),
  config_id: d('string', 'Id of the model configuration (config.id when not sent)', { default: false }),
  source_datapoint_id: d('string', 'Id of the dataset datapoint the log was generated from', { default: false }),
  save: d('boolean', 'Whether the log was saved', { default: false }),
  provider_request: d('json', 'Raw request sent to the provider (large)', { default: false }),
  provider_response: d('json', 'Raw response from the provider (large)', { default: false }),
});

/** Fields stored as table columns (field → SQL over `l` logs and `p` projects); the rest live in `data`. */
export const LLM_LOG_COLUMNS = {
  id: 'l.id',
  project: 'p.name',
  project_id: 'l.project_id',
  session_id: 'l.session_id',
  parent_id: 'l.parent_id',
  environment: 'l.environment',
  created_at: 'l.created_at',
  updated_at: 'l.updated_at',
  source: 'l.source',
  user: 'l."user"',
};

/** Fields kept inside the `data` JSON column. */
const DATA_FIELDS = new Set(fields.map((f) => f.name).filter((n) => !(n in LLM_LOG_COLUMNS)));

/** LLM call logs (Humanloop v4 project export). */
export const llmLogs = recordDataset({
  name: 'llm_logs',
  title: 'LLM logs',
  description: 'Logged LLM calls with inputs, outputs, tokens, costs and feedback (Humanloop v4 log shape)',
  fields,
  filters: ['entity_ids'],
  scopes: ['organization'],
  orgWide: false,
  columns: LLM_LOG_COLUMNS,
  from(db, q) {
    let qb = db
      .selectFrom('llm_logs as l')
      .leftJoin('projects as p', (j) => j.onRef('p.org_id', '=', 'l.org_id').onRef('p.id', '=', 'l.project_id'))
      .where('l.org_id', '=', q.orgId);
    qb = whereRange(qb, 'l.created_at', q);
    return whereIn(qb, 'l.project_id', q.entityIds);
  },
  sequenceTable: 'llm_logs',
  sequenceColumn: 'l.seq',
  orderBy: [
    ['l.created_at', 'desc'],
    ['l.id', 'desc'],
  ],
  prepare(selected) {
    const names = selected.map((f) => f.name).filter((n) => DATA_FIELDS.has(n));
    if (names.length === 0) return null;
    return {
      extraColumns: { __data: 'l.data' },
      transform(row: Row) {
        const data = typeof row.__data === 'string' ? (JSON.parse(row.__data) as Record<string, unknown>) : {};
        delete row.__data;
        for (const name of names) row[name] = isDerivedLogKey(name) ? derivedLogValue(data, name) : (data[name] ?? null);
      },
    };
  },
});
