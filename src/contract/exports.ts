import { z } from 'zod';
import { COMPRESSIONS, EXPORT_SOURCES, EXPORT_STATUSES, FORMATS, SCOPES } from './vocabulary.js';

/** Most ids one filter list may name: each is a bound parameter, and databases cap those per statement. */
const MAX_IDS = 1000;

/** The body of `POST /v1/exports` (and `/v1/exports/estimate`); compat adapters translate into it. */
export const ExportRequestSchema = z
  .object({
    dataset: z.string().min(1).describe('Dataset name from GET /v1/datasets, e.g. workflow_runs'),
    scope: z.enum(SCOPES).optional().describe('organization (admins) or personal (only your own rows); default: organization for admins, personal for members'),
    format: z.enum(FORMATS).default('csv').describe('csv, json (one array), jsonl, parquet (typed columns, for warehouses and notebooks) or xlsx (Excel; over 1,048,575 rows the rows continue on the next sheet)'),
    compression: z.enum(COMPRESSIONS).default('none').describe('gzip the file; not for parquet or xlsx, which are compressed already (422)'),
    fields: z.array(z.string()).min(1).optional().describe("Columns in order; default: the dataset's default fields"),
    from: z.string().optional().describe('Start: YYYY-MM-DD (whole day in `timezone`) or an ISO 8601 date-time; default: the beginning of the data'),
    to: z.string().optional().describe('End, inclusive: YYYY-MM-DD (that whole day) or an ISO 8601 date-time; default: now'),
    timezone: z.string().default('UTC').describe('IANA timezone for dates, usage periods and timestamps in the file'),
    all_workspaces: z.boolean().optional().describe('Organization scope: every workspace, personal ones included (the default when no team is selected)'),
    workspace_ids: z.array(z.string()).max(MAX_IDS).optional().describe(`Teams to include (organization scope); at most ${MAX_IDS}`),
    include_personal_workspaces: z.boolean().optional().describe("Also include members' personal workspaces"),
    entity_ids: z.array(z.string()).max(MAX_IDS).optional().describe(`Only these workflows / agents / projects; at most ${MAX_IDS}`),
    category: z.string().optional().describe('Credit log category, e.g. PIPELINE_RUN (case-insensitive; unknown → 422 listing the valid ones)'),
    permission_group_ids: z.array(z.string().min(1)).min(1).max(MAX_IDS).optional().describe(`Credit logs: only entries of these permission groups; at most ${MAX_IDS}`),
    group_by: z.string().optional().describe('Usage datasets: model (users, agents, api keys) or source (models)'),
    notify_email: z
      .email()
      .nullable()
      .optional()
      .describe(
        "Email this address when the export completes or fails. Default: the organization's notification address; console and Gumloop exports email their creator unless they turned it off (PATCH /v1/me/preferences). null: no email for this export",
      ),
    webhook_url: z.url({ protocol: /^https?$/ }).optional().describe('POST a signed Standard Webhooks event here when the export finishes'),
    csv_bom: z.boolean().default(false).describe('CSV: start with a UTF-8 byte order mark (for Excel)'),
    neutralize_formulas: z.boolean().default(true).describe('CSV and XLSX: prefix text cells a spreadsheet would run as formulas with an apostrophe'),
    source: z.enum(EXPORT_SOURCES).optional().describe('Which client asked (shown in history)'),
  })
  .strict();

export type ExportRequestInput = z.input<typeof ExportRequestSchema>;
export type ExportRequest = z.output<typeof ExportRequestSchema>;

/**
 * The resolved plan as stored with the export and shown in its view: the exact rows it covers. `from`
 * and `to` are instants, both inclusive (`to` is the last millisecond), so sending them back as a new
 * request reproduces the export exactly.
 */
export const ExportParamsSchema = z.object({
  fields: z.array(z.string()).describe('Columns, in file order'),
  from: z.iso.datetime().describe('First instant covered (inclusive)'),
  to: z.iso.datetime().describe('Last instant covered (inclusive: the last millisecond)'),
  timezone: z.string().describe('IANA zone of dates and timestamps in the file'),
  workspace_ids: z.array(z.string()).nullable(),
  include_personal_workspaces: z.boolean().nullable(),
  entity_ids: z.array(z.string()).nullable(),
  category: z.string().nullable(),
  // Absent in exports stored before it existed.
  permission_group_ids: z.array(z.string()).nullable().default(null),
  group_by: z.string().nullable(),
  csv_bom: z.boolean(),
  neutralize_formulas: z.boolean(),
  row_limit: z.number().int().describe('Most rows this export may have (the lower of the server limit and the surface’s)'),
});
export type ExportParams = z.output<typeof ExportParamsSchema>;

/** An export as the native API, the console and the CLI see it. */
export const ExportSchema = z.object({
  id: z.string(),
  dataset: z.string(),
  scope: z.enum(SCOPES),
  format: z.enum(FORMATS),
  compression: z.enum(COMPRESSIONS),
  source: z.enum(EXPORT_SOURCES).describe('Which surface asked'),
  status: z.enum(EXPORT_STATUSES),
  params: ExportParamsSchema,
  created_by: z.object({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() }),
  rows_written: z.number().int().describe('Rows written so far (live while running)'),
  estimated_total: z.number().int().nullable().describe('Rows expected (counted when the export was planned or started)'),
  record_count: z.number().int().nullable().describe('Rows in the file, once completed'),
  bytes: z.number().int().nullable(),
  sha256: z.string().nullable().describe('SHA-256 of the file, hex'),
  error: z.string().nullable().describe('Why it failed (safe to show)'),
  attempts: z.number().int(),
  cancel_requested: z.boolean(),
  created_at: z.iso.datetime(),
  started_at: z.iso.datetime().nullable(),
  finished_at: z.iso.datetime().nullable(),
  expires_at: z.iso.datetime().nullable(),
  filename: z.string(),
  notify_email: z.string().nullable(),
  webhook_url: z.string().nullable(),
  download_url: z.string().nullable().describe('Present when completed: GET it to be redirected to a fresh signed file URL'),
});
export type Export = z.output<typeof ExportSchema>;

/** `GET /v1/exports`: one page of history, newest first. */
export const ExportListSchema = z.object({ data: z.array(ExportSchema), next_cursor: z.string().nullable() });
export type ExportList = z.output<typeof ExportListSchema>;

/** Query of `GET /v1/exports`. */
export const ExportListQuerySchema = z.object({
  status: z.enum(EXPORT_STATUSES).optional(),
  dataset: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional().describe('next_cursor from the previous page'),
});

/** `POST /v1/exports/estimate`. */
export const EstimateSchema = z.object({ estimated_rows: z.number().int(), row_limit: z.number().int() });
export type Estimate = z.output<typeof EstimateSchema>;
