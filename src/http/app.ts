import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { serializeRequest } from '../log.js';
import { agentbotErrors } from './compat/agentbot/errors.js';
import { gumloopErrors } from './compat/gumloop/errors.js';
import { humanloopErrors } from './compat/humanloop/errors.js';
import { langdockErrors } from './compat/langdock/errors.js';
import { consoleRoutes } from './console.js';
import { installContentTypes } from './content-types.js';
import type { AppContext } from './context.js';
import { ACCESS } from './edge/access.js';
import { installEdge, type RouteEntry } from './edge/authorize.js';
import { installErrorHandler } from './edge/errors.js';
import { registerRoutes } from './routes/index.js';
import { installStorableInput } from './storable-input.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every API route with its access declaration, as added (the authorization matrix walks it). */
    readonly routeTable: readonly RouteEntry[];
  }
}

/**
 * Builds the HTTP app (not listening): routes, OpenAPI, error mapping. Tests drive it with `inject()`.
 * @example const app = await buildApp(ctx); await app.listen({ port: 8080 });
 */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    // Whatever logger the caller passed, request lines go through the redacting serializer: signed
    // download links travel in the path and must never land in a log file.
    loggerInstance: ctx.logger.child({}, { serializers: { req: serializeRequest } }) as unknown as FastifyBaseLogger,
    // Forwarded headers are client-controlled unless a proxy sets them: off by default (audit IPs, URLs).
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Signed download tokens travel as a path segment.
    routerOptions: { maxParamLength: 4096 },
    // Reject unknown query keys? No: vendors' clients send extras; each route's schema decides.
    ajv: { customOptions: { coerceTypes: 'array' } },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app, { gumloop: gumloopErrors, langdock: langdockErrors, agentbot: agentbotErrors, humanloop: humanloopErrors });
  installContentTypes(app);
  const routes = installEdge(app, { store: ctx.store, rateLimitPerMinute: ctx.config.rateLimitPerMinute });
  app.decorate('routeTable', routes);
  // After the edge's authentication (both are preValidation hooks, run in this order): a stranger
  // learns nothing from it, and authenticating only hashes what the caller sends.
  installStorableInput(app);

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Sluice API',
        version: '1.0.0',
        description:
          'Usage and data export service. Authenticate with an API key (`Authorization: Bearer sk_…` or `X-API-KEY`) or the console session cookie.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-KEY' },
          session: { type: 'apiKey', in: 'cookie', name: 'sluice_session' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { config: { access: ACCESS.public }, schema: { hide: true } }, async () => app.swagger());

  await registerRoutes(app, ctx);
  await consoleRoutes(app);
  return app;
}
