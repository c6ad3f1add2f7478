import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ScheduleCreateSchema, ScheduleListSchema, SchedulePatchSchema, ScheduleRunListSchema, ScheduleSchema } from '../../contract/drains.js';
import { STANDARD_ERRORS } from '../../contract/errors.js';
import type { AppContext } from '../context.js';
import { ACCESS } from '../edge/access.js';
import { baseUrlOf, callerOf, originOf } from '../edge/principal.js';

const IdParams = z.object({ id: z.string().describe('Schedule id') });
const errors = { ...STANDARD_ERRORS, 422: STANDARD_ERRORS[400] };
const tags = ['schedules'];

/** Scheduled exports: ordinary exports over contiguous windows of a zone, caught up after downtime. Admins only. */
export async function scheduleRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const schedules = ctx.schedules;
  const config = { access: ACCESS.admin };
  r.post(
    '/v1/schedules',
    {
      config,
      schema: {
        tags,
        summary: 'Create a schedule: every hour/day/week/month or on a cron expression, an export of the window that just ended, in its timezone',
        description:
          'Windows are contiguous and never overlap: a period schedule exports the previous whole period, a cron schedule the time from the previous firing to this one. ' +
          'Windows missed while Sluice was down are exported on start, oldest first. Each run is an ordinary export (source "schedule", schedule_id). ' +
          'With a destination each completed run is delivered there, its signed manifest last: s3 gets the file and <file>.manifest.json under {prefix}/{YYYY}/{MM}/{DD}/ ' +
          '(the local date of the window start; the export decides the file format); http gets one POST, signed like drain deliveries (Standard Webhooks, Idempotency-Key <schedule_id>:<export_id>), ' +
          'of {source: "sluice", type: "scheduled_export", schedule_id, schedule_name, export_id, data_type, window, file: {name, rows, bytes, sha256, content_type, download_url, expires_at}, manifest}. ' +
          'A failed upload is retried (last_error says why). The answer carries an http destination’s signing_secret once.',
        body: ScheduleCreateSchema,
        response: { 201: ScheduleSchema, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await schedules.create(callerOf(req), req.body, originOf(req))),
  );
  r.get('/v1/schedules', { config, schema: { tags, summary: 'Every schedule of the org', response: { 200: ScheduleListSchema, ...errors } } }, async (req) => ({
    data: await schedules.list(callerOf(req)),
  }));
  r.get('/v1/schedules/:id', { config, schema: { tags, summary: 'One schedule and its next window', params: IdParams, response: { 200: ScheduleSchema, ...errors } } }, async (req) =>
    schedules.get(callerOf(req), req.params.id),
  );
  r.patch(
    '/v1/schedules/:id',
    { config, schema: { tags, summary: 'Pause, resume (missed windows are caught up) or rename', params: IdParams, body: SchedulePatchSchema, response: { 200: ScheduleSchema, ...errors } } },
    async (req) => schedules.update(callerOf(req), req.params.id, req.body, originOf(req)),
  );
  r.delete('/v1/schedules/:id', { config, schema: { tags, summary: 'Delete a schedule (its exports stay)', params: IdParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await schedules.remove(callerOf(req), req.params.id, originOf(req));
    return reply.code(204).send(null);
  });
  r.post('/v1/schedules/:id/run', { config, schema: { tags, summary: 'Export every window that has ended now', params: IdParams, response: { 202: ScheduleSchema, ...errors } } }, async (req, reply) =>
    reply.code(202).send(await schedules.runNow(callerOf(req), req.params.id)),
  );
  r.get(
    '/v1/schedules/:id/runs',
    { config, schema: { tags, summary: 'The exports this schedule created, oldest window first, each with uploaded_at (when it reached the destination)', params: IdParams, response: { 200: ScheduleRunListSchema, ...errors } } },
    async (req) => ({ data: await schedules.runs(callerOf(req), req.params.id, baseUrlOf(req)), next_cursor: null }),
  );
}
