import { z } from 'zod';

/*
 * Gumloop's Usage Data Export API, as its clients send and read it. Optional fields accept `null`
 * because Gumloop's own SDKs send unset options that way.
 */

/** Gumloop export types → Sluice datasets. */
export const GUMLOOP_DATA_TYPES = {
  workflows: 'workflow_runs',
  agents: 'agents',
  agent_interactions: 'agent_interactions',
  credit_logs: 'credit_logs',
} as const;
export type GumloopDataType = keyof typeof GUMLOOP_DATA_TYPES;

export const GUMLOOP_STATES = ['REQUESTED', 'IN_PROGRESS', 'COMPLETED', 'FAILED'] as const;
export type GumloopState = (typeof GUMLOOP_STATES)[number];

const ids = (what: string) => z.array(z.string().min(1)).nullish().describe(what);

export const ExportDataBody = z.object({
  user_id: z.string().min(1).describe('The requesting user; must be the user the API key belongs to'),
  export_fields: z
    .array(z.string().min(1))
    .min(1)
    .nullish()
    .describe("Columns in order (e.g. workbook_id, workbook_name, user_email, run_id, credit_cost, pl_run_created_ts); default: the data type's default columns"),
  start_date: z.string().min(1).nullish().describe('Start, e.g. 2024-01-01T00:00:00 (no offset = UTC), 2024-01-01 or 01/01/2024'),
  end_date: z.string().min(1).nullish().describe('End, e.g. 2024-12-31T23:59:59 (no offset = UTC); a date alone includes that whole day'),
  data_type: z
    .enum(Object.keys(GUMLOOP_DATA_TYPES) as [GumloopDataType, ...GumloopDataType[]])
    .nullish()
    .describe('workflows (default), agents, agent_interactions or credit_logs'),
  export_scope: z.enum(['organization', 'personal']).nullish().describe('organization (admins; default for them) or personal (only your own rows)'),
  include_all_workspaces: z.boolean().nullish().describe('Every workspace of the organization; not applicable to credit logs'),
  include_personal_workspaces: z.boolean().nullish().describe("Members' personal workspaces; not applicable to credit logs"),
  workspace_ids: ids('Teams to include; not applicable to credit logs'),
  entity_ids: ids('Only these workbooks (workflows) or agents; not applicable to credit logs'),
  category_filter: z
    .string()
    .min(1)
    .nullish()
    .describe('Credit logs only: one category, e.g. PIPELINE_RUN or AGENT_RUN (lowercase accepted); an unknown one is a 400 listing the valid ones'),
  export_level: z.enum(['organization', 'personal']).nullish().describe('Same as export_scope; both given must agree'),
  permission_group_filter: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .nullish()
    .describe('Credit logs only: permission group id(s) to keep; unknown ids are a 400'),
});
export type ExportDataBody = z.output<typeof ExportDataBody>;

export const ExportDataResponse = z.object({
  success: z.literal(true),
  data_export_id: z.string(),
  state: z.literal('REQUESTED'),
  created_ts: z.string().describe('ISO 8601'),
});

export const ExportStatusQuery = z.object({
  user_id: z.string().min(1).describe('The requesting user; must be the user the API key belongs to'),
  data_export_id: z.string().min(1).describe('data_export_id from POST /api/v1/export_data'),
  download: z.enum(['true', 'false', '1', '0']).optional().describe('true: answer with the CSV file itself once the export is COMPLETED'),
});

export const ExportStatusResponse = z.object({
  success: z.literal(true),
  data_export_id: z.string(),
  state: z.enum(GUMLOOP_STATES),
  created_ts: z.string(),
  finished_ts: z.string().optional().describe('Only once the state is COMPLETED or FAILED'),
  data_type: z.string(),
  export_fields: z.array(z.string()),
  record_count: z.number().optional().describe('Rows in the file, once COMPLETED'),
  expired: z.boolean().optional().describe('True when the file was deleted after its retention period'),
  error: z.string().optional().describe('Why the export FAILED'),
});

export const GumloopError = z.object({ success: z.literal(false), error: z.string(), message: z.string() });
