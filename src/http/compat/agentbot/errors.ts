import { STATUS_CODES } from 'node:http';
import type { ErrorShape } from '../../edge/errors.js';

/** Agentbot answers errors as `{error, message}`: the status text for 4xx, `Export failed` for 5xx. */
export const agentbotErrors: ErrorShape = {
  body: (e) =>
    e.status >= 500
      ? { error: 'Export failed', message: e.code === 'internal' ? 'An internal error occurred while exporting your data' : e.message }
      : { error: STATUS_CODES[e.status] ?? 'Bad Request', message: e.message },
};
