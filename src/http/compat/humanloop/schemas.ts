import { z } from 'zod';
import { LLM_LOG_RECORD_KEYS } from '../../../datasets/llm-logs-page.js';
import { llmLogs } from '../../../datasets/llm-logs.js';
import type { FieldDef } from '../../../datasets/types.js';

/*
 * Humanloop v4 `POST /v4/projects/{id}/export`, as its clients send and read it. The record schema is
 * derived from the `llm_logs` dataset's field docs, so the OpenAPI document and `GET /v1/datasets` agree.
 */

/** Largest page a caller may ask for (Humanloop documents none; this bounds one response's size). */
export const MAX_PAGE_SIZE = 1000;

export const ExportParams = z.object({
  id: z.string().min(1).describe('String ID of project. Starts with pr_.'),
});

export const ExportQuery = z.object({
  page: z.coerce.number().int().min(0).default(0).describe('Page offset for pagination.'),
  size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(10).describe(`Page size for pagination. Number of logs to export (1–${MAX_PAGE_SIZE}).`),
});

function valueSchema(field: FieldDef): z.ZodType {
  switch (field.type) {
    case 'integer':
      return z.number().int();
    case 'number':
      return z.number();
    case 'boolean':
      return z.boolean();
    case 'timestamp':
      return z.iso.datetime();
    case 'string':
    case 'date':
      return z.string();
    default:
      return z.unknown();
  }
}

const byName = new Map(llmLogs.fields.map((f) => [f.name, f]));

export const LogRecord = z
  .object(
    Object.fromEntries(
      LLM_LOG_RECORD_KEYS.map((key) => {
        const field = byName.get(key);
        return [key, field ? valueSchema(field).nullable().describe(field.description) : z.unknown()];
      }),
    ),
  )
  .describe('One log in the Humanloop v4 shape; every key is present, null when unknown');

export const ExportResponse = z.object({
  records: z.array(LogRecord),
  page: z.number().int(),
  size: z.number().int(),
  total: z.number().int().describe("Number of logs in the project (all pages)"),
});

export const HttpError = z.object({ detail: z.string() }).describe('FastAPI-style error');

export const ValidationError = z
  .object({
    detail: z.array(
      z.object({
        loc: z.array(z.union([z.string(), z.number()])).describe('Where: e.g. ["query", "size"]'),
        msg: z.string(),
        type: z.string().describe('e.g. type_error.integer, value_error.number.not_ge'),
        ctx: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  })
  .describe('FastAPI-style validation error');
