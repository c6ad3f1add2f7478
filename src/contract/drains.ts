import { z } from 'zod';
import { ExportRequestSchema, ExportSchema } from './exports.js';
import { COMPRESSIONS } from './vocabulary.js';

/*
 * Drains (continuous delivery of a record dataset to an HTTP endpoint or an S3 bucket) and scheduled
 * exports: the request and response shapes shared by the routes, OpenAPI, the console and the CLI.
 */

export const DRAIN_STATUSES = ['active', 'paused', 'error'] as const;
export const HTTP_DRAIN_FORMATS = ['json', 'otlp'] as const;
export const S3_DRAIN_FORMATS = ['json', 'jsonl', 'parquet'] as const;

const HttpDestinationSchema = z
  .object({
    type: z.literal('http'),
    url: z.url({ protocol: /^https?$/ }).describe('Endpoint that receives POSTed batches (at most 1,000 records each)'),
    format: z.enum(HTTP_DRAIN_FORMATS).default('json').describe('json: Sluice batches; otlp: OTLP/HTTP JSON logs'),
    headers: z.record(z.string(), z.string().max(4096)).optional().describe('Extra request headers (e.g. an auth token); stored encrypted, never returned'),
  })
  .strict();

const S3DestinationSchema = z
  .object({
    type: z.literal('s3'),
    bucket: z.string().min(1),
    prefix: z.string().default('').describe('Key prefix; objects go to {prefix}/{YYYY}/{MM}/{DD}/{drain_id}_{HHMMSS}_{microseconds}.{ext}'),
    region: z.string().optional(),
    endpoint: z.url({ protocol: /^https?$/ }).optional().describe('S3-compatible endpoint (MinIO, R2, …)'),
    access_key_id: z.string().optional(),
    secret_access_key: z.string().optional().describe('Stored encrypted, never returned'),
    format: z.enum(S3_DRAIN_FORMATS).default('jsonl').describe('json, jsonl, or parquet (one typed Parquet file per batch, as in exports; gzip is refused for it)'),
    compression: z.enum(COMPRESSIONS).default('none'),
  })
  .strict();

/** Where a drain (or a scheduled export) delivers. */
export const DestinationSchema = z.discriminatedUnion('type', [HttpDestinationSchema, S3DestinationSchema]);
export type DestinationInput = z.input<typeof DestinationSchema>;
export type Destination = z.output<typeof DestinationSchema>;

/** A destination as shown back: no secrets, only whether they are set. */
export const DestinationViewSchema = z.union([
  HttpDestinationSchema.omit({ headers: true }).extend({ header_names: z.array(z.string()).describe('Names of the extra headers sent (values hidden)') }),
  S3DestinationSchema.omit({ secret_access_key: true, access_key_id: true }).extend({ credentials: z.boolean().describe('Whether access keys are stored') }),
]);

/** A drain's name and interval, with messages that say the rule (the console shows them by the field as they are). */
const NAME_RULE = 'name must be 1 to 200 characters';
const INTERVAL_RULE = 'interval_seconds must be a whole number of seconds from 15 to 600';
const DrainName = z.string().min(1, NAME_RULE).max(200, NAME_RULE);
const DrainInterval = z.number().int(INTERVAL_RULE).min(15, INTERVAL_RULE).max(600, INTERVAL_RULE);

/** `POST /v1/drains`. */
export const DrainCreateSchema = z
  .object({
    name: DrainName,
    dataset: z.string().min(1).describe('A record dataset: workflow_runs, agents, agent_interactions, credit_logs or llm_logs'),
    fields: z.array(z.string()).min(1).optional().describe("Fields to deliver; default: the dataset's default fields"),
    destination: DestinationSchema,
    interval_seconds: DrainInterval.default(60).describe('How often to look for new rows (15–600 s)'),
    start: z
      .union([z.enum(['now', 'all']), z.iso.datetime({ offset: true }), z.iso.date()])
      .default('now')
      .describe('now: only rows that change from now on; all: every row there is; an ISO date: rows created since then'),
    timezone: z.string().default('UTC').describe('Zone of the timestamps in delivered records'),
    workspace_ids: z.array(z.string()).optional(),
    include_personal_workspaces: z.boolean().optional(),
    entity_ids: z.array(z.string()).optional(),
    category: z.string().optional(),
  })
  .strict();
export type DrainCreate = z.output<typeof DrainCreateSchema>;

/** `PATCH /v1/drains/{id}`. */
export const DrainPatchSchema = z
  .object({
    status: z.enum(['active', 'paused']).optional().describe('paused stops deliveries; active resumes from the cursor (nothing is skipped)'),
    name: DrainName.optional(),
    interval_seconds: DrainInterval.optional(),
    fields: z.array(z.string()).min(1).optional(),
  })
  .strict();

/** `POST /v1/drains/{id}/replay`: re-deliver a sequence range without moving the cursor. */
export const DrainReplaySchema = z
  .object({ from_sequence: z.number().int().min(1), to_sequence: z.number().int().min(1) })
  .strict()
  .refine((r) => r.from_sequence <= r.to_sequence, { message: 'from_sequence must not be after to_sequence', path: ['from_sequence'] });

export const DrainSchema = z.object({
  id: z.string(),
  name: z.string(),
  dataset: z.string(),
  fields: z.array(z.string()),
  timezone: z.string().describe('Zone of the timestamps in delivered records'),
  workspace_ids: z.array(z.string()).nullable().describe('Only rows of these teams (null: no team selection, every workspace)'),
  include_personal_workspaces: z.boolean().nullable().describe('Also rows of personal spaces (with workspace_ids)'),
  entity_ids: z.array(z.string()).nullable().describe("Only rows of these entities (the dataset's entity: workflows, agents, projects)"),
  category: z.string().nullable().describe('credit_logs: only this category'),
  status: z.enum(DRAIN_STATUSES).describe('active, paused, or error (paused after 3 failed deliveries in a row)'),
  destination: DestinationViewSchema,
  interval_seconds: z.number().int(),
  cursor: z.number().int().describe('Last change sequence the destination acknowledged'),
  replaying: z.object({ next: z.number().int(), to: z.number().int() }).nullable(),
  last_delivery_at: z.iso.datetime().nullable(),
  last_error: z.string().nullable(),
  consecutive_failures: z.number().int(),
  counts: z.object({ records: z.number().int(), deliveries: z.number().int(), failed: z.number().int() }),
  created_by: z.string(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  signing_secret: z.string().optional().describe('HTTP drains, in the create answer only: the whsec_ secret that signs every delivery'),
});
export type Drain = z.output<typeof DrainSchema>;

export const DrainListSchema = z.object({ data: z.array(DrainSchema) });

export const DeliverySchema = z.object({
  id: z.string(),
  kind: z.enum(['delivery', 'replay', 'manifest']).describe('manifest: the signed manifest of a finished S3 delivery day (written last)'),
  sequence: z.object({ from: z.number().int(), to: z.number().int() }),
  records: z.number().int(),
  bytes: z.number().int(),
  attempts: z.number().int(),
  ok: z.boolean(),
  destination_status: z.number().int().nullable().describe('HTTP status the destination answered'),
  destination_response: z.string().nullable().describe('The first 500 bytes of its answer'),
  error: z.string().nullable(),
  objects: z.array(z.string()).nullable().describe('S3: object keys written'),
  created_at: z.iso.datetime(),
});
export const DeliveryListSchema = z.object({ data: z.array(DeliverySchema) });
export type Delivery = z.output<typeof DeliverySchema>;

/** Periods a schedule can run on. */
export const SCHEDULE_PERIODS = ['hour', 'day', 'week', 'month'] as const;

/** `POST /v1/schedules`: exactly one of `every` and `cron`. */
export const ScheduleCreateSchema = z
  .object({
    name: z.string().min(1).max(200),
    export: ExportRequestSchema.omit({ from: true, to: true, timezone: true, source: true }).describe('The body of POST /v1/exports, without from/to'),
    every: z.enum(SCHEDULE_PERIODS).optional().describe('Each run exports the previous whole hour, day, week (Monday first) or month in `timezone`'),
    cron: z
      .string()
      .max(200)
      .optional()
      .describe('Instead of `every`: a five-field cron expression in `timezone` (e.g. "0 6 * * 1-5"); each run exports from the previous firing to this one'),
    timezone: z.string().default('UTC'),
    destination: DestinationSchema.optional().describe(
      'Also deliver each run there, its signed manifest last. s3: the file and <file>.manifest.json under {prefix}/{YYYY}/{MM}/{DD}/ (the window start, local date); ' +
        'http: one signed POST {source, type: "scheduled_export", schedule_id, export_id, window, file: {name, rows, bytes, sha256, download_url, expires_at}, manifest}',
    ),
    notify_email: z.email().optional(),
    start: z.iso.date().optional().describe('The first window is the one containing the start of this date; default: the current one (its run is when it ends)'),
  })
  .strict()
  .refine((s) => (s.every === undefined) !== (s.cron === undefined), { message: 'give exactly one of every (hour | day | week | month) and cron', path: ['every'] });
export type ScheduleCreate = z.output<typeof ScheduleCreateSchema>;

export const SchedulePatchSchema = z.object({ status: z.enum(['active', 'paused']).optional(), name: z.string().min(1).max(200).optional() }).strict();

export const ScheduleSchema = z.object({
  id: z.string(),
  name: z.string(),
  every: z.enum(SCHEDULE_PERIODS).nullable().describe('The period, or null for a cron schedule'),
  cron: z.string().nullable().describe('The cron expression, or null for a period schedule'),
  timezone: z.string(),
  status: z.enum(['active', 'paused']),
  export: z.record(z.string(), z.unknown()),
  destination: DestinationViewSchema.nullable(),
  notify_email: z.string().nullable(),
  next_window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }).describe('The next window; it runs once it has ended'),
  last_error: z.string().nullable().describe('Why the last run or upload failed (it is retried); null once one succeeds'),
  created_at: z.iso.datetime(),
  signing_secret: z.string().optional().describe('HTTP destinations, in the create answer only: the whsec_ secret that signs every upload'),
});
export type Schedule = z.output<typeof ScheduleSchema>;
export const ScheduleListSchema = z.object({ data: z.array(ScheduleSchema) });

/** One run of a schedule: its export, and when it reached the schedule's destination. */
export const ScheduleRunSchema = ExportSchema.extend({
  uploaded_at: z.iso.datetime().nullable().describe('With a destination: when the file and its manifest were delivered there; null until then (or without one)'),
});
export const ScheduleRunListSchema = z.object({ data: z.array(ScheduleRunSchema), next_cursor: z.string().nullable() });
export type ScheduleRun = z.output<typeof ScheduleRunSchema>;

/** A signed manifest: what a scheduled run or a drain day delivered (`sluice verify` checks files against it). */
export const ManifestSchema = z.object({
  version: z.literal(1),
  kind: z.enum(['export', 'drain_day']),
  id: z.string(),
  dataset: z.string(),
  window: z.object({ from: z.string(), to: z.string() }).optional(),
  sequence: z.object({ from: z.number(), to: z.number() }).optional(),
  filters: z.record(z.string(), z.unknown()),
  files: z.array(z.object({ name: z.string(), rows: z.number().int(), bytes: z.number().int(), sha256: z.string() })),
  totals: z.object({ rows: z.number().int() }).catchall(z.number()).describe('Row count, and sums of credit_cost / amount where the dataset has them'),
  created_at: z.string(),
  signature: z.string().optional().describe('v1,<hex HMAC-SHA256 of the canonical JSON without the signature>'),
});
