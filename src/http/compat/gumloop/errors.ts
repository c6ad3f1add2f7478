import type { ErrorShape } from '../../edge/errors.js';

/**
 * Gumloop's error shape `{success: false, error, message}`. Gumloop has no 410 or 422: an expired file
 * is a 404, a request the engine cannot run a 400.
 */
export const gumloopErrors: ErrorShape = {
  status: (e) => (e.status === 410 ? 404 : e.status === 422 ? 400 : e.status),
  body: (e) => ({ success: false, error: e.code, message: e.message }),
};
