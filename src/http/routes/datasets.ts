import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actsAsAdmin } from '../../auth/principal.js';
import { DatasetListSchema, FilterValueListSchema, FilterValuesParamsSchema, WorkspaceListSchema, WorkspaceQuerySchema } from '../../contract/datasets.js';
import { STANDARD_ERRORS } from '../../contract/errors.js';
import type { WorkspaceKind } from '../../contract/vocabulary.js';
import { describeCatalogue } from '../../datasets/catalogue.js';
import { filterValues } from '../../datasets/values.js';
import { ACCESS } from '../edge/access.js';
import { callerOf } from '../edge/principal.js';
import type { AppContext } from '../context.js';

/** The dataset catalogue, and the org's workspaces (for team selection). */
export async function datasetRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/datasets',
    {
      config: { access: ACCESS.public },
      schema: {
        tags: ['datasets'],
        summary: 'Every exportable dataset with its fields (type, description, PII flag, default), filters, scopes and group_by values',
        description: [
          'Any dataset can be exported in any format (`format` of POST /v1/exports). A field\'s `type` says how it is written:',
          '',
          '- **csv**, **json**, **jsonl**: text; timestamps as ISO 8601 in the request\'s `timezone`.',
          '- **parquet** (`application/vnd.apache.parquet`): one typed column per field: timestamp → TIMESTAMP(MILLIS, UTC), integer → INT64, number → DOUBLE, boolean → BOOLEAN, date → DATE, string → UTF8, json → UTF8 with the JSON logical type; null stays null. Text is stored verbatim.',
          '- **xlsx** (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`): a bold, frozen header row; timestamps as Excel date-times showing the wall time in `timezone`, dates as dates, numbers, booleans, JSON as text; formula-like text neutralized as in CSV. A sheet holds 1,048,575 data rows (Excel\'s limit): the rows after that continue on `Sheet 2`, `Sheet 3`, …, each with the header. A text longer than an Excel cell holds (32,767 characters) fails the export rather than being cut.',
          '',
          'Parquet and XLSX files are compressed already: `compression: "gzip"` is refused for them (422).',
        ].join('\n'),
        security: [],
        response: { 200: DatasetListSchema },
      },
    },
    async () => ({ data: describeCatalogue() }),
  );

  r.get(
    '/v1/workspaces',
    {
      config: { access: { via: 'either', scopes: ['export'] } },
      schema: {
        tags: ['datasets'],
        summary: "The org's workspaces: teams, and personal spaces (admins see all; members their own)",
        querystring: WorkspaceQuerySchema,
        response: { 200: WorkspaceListSchema, ...STANDARD_ERRORS },
      },
    },
    async (req) => {
      const p = callerOf(req);
      let q = ctx.store.db.selectFrom('workspaces').select(['id', 'name', 'kind', 'owner_user_id']).where('org_id', '=', p.orgId);
      if (req.query.kind) q = q.where('kind', '=', req.query.kind);
      if (!actsAsAdmin(p)) q = q.where((eb) => eb.or([eb('kind', '=', 'team'), eb('owner_user_id', '=', p.userId)]));
      // The kind column only ever holds the contract's kinds (ingest validates them).
      const rows = await q.orderBy('name').$narrowType<{ kind: WorkspaceKind }>().execute();
      const needle = req.query.q?.toLowerCase();
      return { data: needle ? rows.filter((w) => w.name.toLowerCase().includes(needle)) : rows };
    },
  );

  r.get(
    '/v1/datasets/:dataset/filters/:filter',
    {
      config: { access: { via: 'either', scopes: ['export'] } },
      schema: {
        tags: ['datasets'],
        summary: "The values a dataset's filter accepts: credit log categories (`category`), or the workflows, agents or projects `entity_ids` may name",
        description:
          'Admins get every value of the org; members the values of their own rows. Teams for `workspace_ids` come from GET /v1/workspaces, `group_by` values from GET /v1/datasets.',
        params: FilterValuesParamsSchema,
        response: { 200: FilterValueListSchema, ...STANDARD_ERRORS },
      },
    },
    async (req) => ({ data: await filterValues(ctx.store, callerOf(req), req.params.dataset, req.params.filter) }),
  );
}
