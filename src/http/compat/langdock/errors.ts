import type { ErrorShape } from '../../edge/errors.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Langdock's error shape `{error, message}`. Langdock answers bad input of any kind with 400 (Sluice's
 * 409/410/422 included), a key without the usage-export scope with 401, and an empty period with
 * 404 "No data found".
 */
export const langdockErrors: ErrorShape = {
  status: (e) => (e.code === 'missing_scope' ? 401 : [409, 410, 422].includes(e.status) ? 400 : e.status),
  body(e) {
    const status = this.status!(e);
    const title = e.code === 'no_data' ? 'No data found' : (TITLES[status] ?? (status >= 500 ? TITLES[500] : TITLES[400]));
    return { error: title, message: e.message };
  },
};
