import { ApiError, messageOf } from '../api/client';

/** An API refusal split by the form field it concerns (`destination.url`, `fields`, …), plus what concerns none. */
export interface FormErrors {
  readonly fields: Readonly<Record<string, string>>;
  readonly general: string | null;
  /** A destination that refused the preflight: its HTTP status and the first 500 bytes of its answer. */
  readonly refused: { status: number | null; response: string | null } | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, general: null, refused: null };

/**
 * Maps an API error onto form fields: request-validation `issues` by their path (`body.destination.url`
 * → `destination.url`), a typed error by its `field` detail; `aliases` renames server names onto the
 * form's (e.g. a drain's `compression` is its destination's). What names no known field stays general.
 * @example fieldErrorsOf(err, ['name', 'destination.url']).fields['destination.url']
 */
export function fieldErrorsOf(err: unknown, known: readonly string[], aliases: Record<string, string> = {}): FormErrors {
  if (!err) return NO_ERRORS;
  if (!(err instanceof ApiError)) return { fields: {}, general: messageOf(err), refused: null };
  const body = (err.body ?? {}) as { issues?: { path: string; message: string }[]; field?: string; destination_status?: number | null; destination_response?: string | null };
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  const place = (path: string, message: string) => {
    const key = nearest(aliases[path] ?? path, known);
    if (!key) rest.push(message);
    else fields[key] ??= message;
  };
  // A refused preflight is shown with the destination (its message, status and answer), not as a general error.
  if (err.code === 'destination_refused') {
    return { fields: { destination: err.message }, general: null, refused: { status: body.destination_status ?? null, response: body.destination_response ?? null } };
  }
  if (body.issues?.length) for (const i of body.issues) place(i.path.replace(/^body\.?/, ''), i.message);
  else if (body.field) place(body.field, err.message);
  else rest.push(err.message);
  return { fields, general: rest.length ? rest.join(' ') : null, refused: null };
}

/** The known field a path falls under: itself, or its closest parent (`destination.headers.x` → `destination.headers`). */
function nearest(path: string, known: readonly string[]): string | null {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') if (known.includes(p)) return p;
  return null;
}
