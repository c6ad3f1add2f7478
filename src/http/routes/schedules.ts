import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ScheduleCreateSchema, ScheduleListSchema, SchedulePatchSchema, ScheduleSchema } from '../../contract/drains.js';
import { STANDARD_ERRORS } from '../../contract/errors.js';
import { ExportListSchema } from '../../contract/exports.js';
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
        summary: 'Create a schedule: every hour/day/week/month, an export of the previous whole period in its timezone',
        description: 'Windows are contiguous and never overlap; windows missed while Sluice was down are exported on start, oldest first. Each run is an ordinary export (source "schedule").',
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
    { config, schema: { tags, summary: 'The exports this schedule created, oldest window first', params: IdParams, response: { 200: ExportListSchema, ...errors } } },
    async (req) => ({ data: await schedules.runs(callerOf(req), req.params.id, baseUrlOf(req)), next_cursor: null }),
  );
}
