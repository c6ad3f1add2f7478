import { describe, expect, it } from 'vitest';
import { isBrowserRequest } from '../src/auth/browser-guard.js';
import { startOfMonthsBack } from '../src/datasets/time.js';
import { resolvePeriod } from '../src/http/compat/langdock/translate.js';
import { thrown } from './helpers/errors.js';

/* Langdock's period rules that need no server: the 12-month window and what counts as a browser. */

const at = (iso: string) => Date.parse(iso);
const body = (from: string, to: string, timezone = 'UTC') => ({ from: { date: from, timezone }, to: { date: to, timezone } });

describe('Langdock 12-month window (whole months in the request’s zone, issue 11)', () => {
  it('accepts the whole of last December on December 1', () => {
    const now = at('2025-12-01T08:00:00Z');
    const p = resolvePeriod(body('2024-12-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z'), now);
    expect(p).toMatchObject({ from: at('2024-12-01T00:00:00Z'), to: at('2025-01-01T00:00:00Z') });
  });

  it('refuses the month before, naming the first allowed day', () => {
    const err = thrown(() => resolvePeriod(body('2024-11-30', '2024-12-31'), at('2025-12-01T08:00:00Z')));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/12 months.*2024-12-01/);
  });

  it('counts months in the request’s zone: late on Nov 30 UTC is already December in Berlin', () => {
    const now = at('2025-11-30T23:30:00Z');
    expect(() => resolvePeriod(body('2024-12-01', '2024-12-31', 'Europe/Berlin'), now)).not.toThrow();
    // November 2024 is still in the window in UTC (it is November there), no longer in Berlin.
    expect(() => resolvePeriod(body('2024-11-15', '2024-11-20', 'UTC'), now)).not.toThrow();
    expect(thrown(() => resolvePeriod(body('2024-11-15', '2024-11-20', 'Europe/Berlin'), now)).status).toBe(400);
    expect(startOfMonthsBack(now, 12, 'Europe/Berlin')).toBe(at('2024-11-30T23:00:00Z'));
  });
});

describe('browser-origin requests (Langdock refuses them)', () => {
  it('counts Origin or a Sec-Fetch-Site other than none; Node fetch’s sec-fetch-mode alone is a server', () => {
    expect(isBrowserRequest({ origin: 'https://app.example' })).toBe(true);
    expect(isBrowserRequest({ 'sec-fetch-site': 'cross-site' })).toBe(true);
    expect(isBrowserRequest({ 'sec-fetch-site': 'same-origin' })).toBe(true);
    expect(isBrowserRequest({ 'sec-fetch-site': 'none' })).toBe(false);
    expect(isBrowserRequest({ 'sec-fetch-mode': 'cors' })).toBe(false);
    expect(isBrowserRequest({})).toBe(false);
  });
});
