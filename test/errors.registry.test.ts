import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, MissingScope, NoData, RateLimited, RowLimitExceeded } from '../src/errors.js';
import { classifyError } from '../src/http/edge/classify.js';

describe('error registry', () => {
  it('is listed in the README, code by code, with its status', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const missing = Object.entries(ERROR_CODES).filter(([code, { status }]) => !readme.includes(`| \`${code}\` | ${status} |`));
    expect(missing).toEqual([]);
  });

  it('classifies typed errors by their registered code and keeps Retry-After', () => {
    expect(classifyError(new MissingScope('export'))).toMatchObject({ status: 403, code: 'missing_scope' });
    expect(classifyError(new NoData())).toMatchObject({ status: 404, code: 'no_data' });
    expect(classifyError(new RowLimitExceeded(12, 10))).toMatchObject({ status: 422, code: 'row_limit', details: { estimated_rows: 12, row_limit: 10 } });
    expect(classifyError(new RateLimited(7))).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 7 });
  });

  it('answers a lost database with 503 and an unexpected error with a 500 that reveals nothing', () => {
    expect(classifyError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toMatchObject({ status: 503, code: 'unavailable' });
    expect(classifyError(new Error('secret detail'))).toEqual({ status: 500, code: 'internal', message: 'An internal error occurred' });
  });
});
