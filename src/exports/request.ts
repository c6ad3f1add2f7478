import { z } from 'zod';
import { FORMATS } from '../formats/types.js';

/** Where an export request came from; shown in history and the audit log. */
export const EXPORT_SOURCES = ['api', 'console', 'cli', 'gumloop', 'langdock', 'drain'] as const;
export type ExportSource = (typeof EXPORT_SOURCES)[number];

/** The body of `POST /v1/exports` (also what compat adapters translate their requests into). */
export const ExportRequestSchema = z
  .object({
    dataset: z.string().min(1).describe('Dataset name from GET /v1/datasets, e.g. workflow_runs'),
    scope: z.enum(['organization', 'personal']).optional().describe('organization (admins) or personal (only your own rows); default: organization for admins, personal for members'),
    format: z.enum(FORMATS).default('csv').describe('csv, json (one array), jsonl, parquet (typed columns, for warehouses and notebooks) or xlsx (Excel; over 1,048,575 rows the rows continue on the next sheet)'),
    compression: z.enum(['none', 'gzip']).default('none').describe('gzip the file; not for parquet or xlsx, which are compressed already (422)'),
    fields: z.array(z.string()).min(1).optional().describe("Columns in order; default: the dataset's default fields"),
    from: z.string().optional().describe('Start: YYYY-MM-DD (whole day in `timezone`) or an ISO 8601 date-time; default: the beginning of the data'),
    to: z.string().optional().describe('End, inclusive for dates: YYYY-MM-DD or an ISO 8601 date-time; default: now'),
    timezone: z.string().default('UTC').describe('IANA timezone for dates, usage periods and timestamps in the file'),
    workspace_ids: z.array(z.string()).optional().describe('Teams to include (organization scope)'),
    include_personal_workspaces: z.boolean().optional().describe("Also include members' personal workspaces"),
    entity_ids: z.array(z.string()).optional().describe('Only these workflows / agents / projects'),
    category: z.string().optional().describe('Credit log category, e.g. PIPELINE_RUN'),
    group_by: z.string().optional().describe('Usage datasets: model (users, agents, api keys) or source (models)'),
    notify_email: z.email().optional().describe('Email this address when the export completes or fails'),
    webhook_url: z.url({ protocol: /^https?$/ }).optional().describe('POST a signed Standard Webhooks event here when the export finishes'),
    csv_bom: z.boolean().default(false).describe('CSV: start with a UTF-8 byte order mark (for Excel)'),
    neutralize_formulas: z.boolean().default(true).describe('CSV and XLSX: prefix text cells a spreadsheet would run as formulas with an apostrophe'),
    source: z.enum(EXPORT_SOURCES).optional().describe('Which client asked (shown in history)'),
  })
  .strict();

export type ExportRequest = z.output<typeof ExportRequestSchema>;

/** What is stored in `exports.params`: the request, validated and resolved. The worker re-validates it. */
export const ExportParamsSchema = z.object({
  fields: z.array(z.string()),
  from: z.string().nullable(),
  to: z.string().nullable(),
  timezone: z.string(),
  range: z.object({ from: z.number(), to: z.number() }),
  workspace_ids: z.array(z.string()).nullable(),
  include_personal_workspaces: z.boolean().nullable(),
  entity_ids: z.array(z.string()).nullable(),
  category: z.string().nullable(),
  group_by: z.string().nullable(),
  csv_bom: z.boolean(),
  neutralize_formulas: z.boolean(),
});
export type ExportParams = z.output<typeof ExportParamsSchema>;
