/*
 * The routes of a running app, read from its own OpenAPI document: what the fuzzer walks.
 */

/** A JSON Schema node as @fastify/swagger writes it (only what the fuzzer reads). */
export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  maxLength?: number;
  $ref?: string;
}

export interface Parameter {
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly name: string;
  readonly required: boolean;
  readonly schema: Schema;
}

/** One method on one path template. */
export interface Operation {
  readonly method: string;
  /** OpenAPI template, e.g. `/v1/exports/{id}`. */
  readonly path: string;
  readonly parameters: readonly Parameter[];
  /** The JSON body schema, when the operation takes one. */
  readonly body?: Schema;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/**
 * Every operation of an OpenAPI 3 document, `$ref`s resolved against its components.
 * @example const ops = operationsOf((await app.inject({ url: '/openapi.json' })).json());
 */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const components = doc.components?.schemas ?? {};
  const deref = (schema: Schema | undefined, depth = 0): Schema => {
    if (!schema || depth > 20) return {};
    if (schema.$ref) return deref(components[schema.$ref.replace('#/components/schemas/', '')], depth + 1);
    const out: Schema = { ...schema };
    if (out.properties) out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, deref(v, depth + 1)]));
    if (out.items) out.items = deref(out.items, depth + 1);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (out[key]) out[key] = out[key]!.map((s) => deref(s, depth + 1));
    return out;
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const body = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters ?? []).map((p) => ({ ...p, required: Boolean(p.required), schema: deref(p.schema) })),
        ...(body ? { body: deref(body) } : {}),
      });
    }
  }
  return ops;
}
