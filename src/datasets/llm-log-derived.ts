/*
 * Humanloop v4 log values a platform often does not send but that follow from what it did send:
 * `tokens` (prompt + output tokens) and `config_id` (the id inside `config`). Humanloop's own export
 * fills both, so Sluice derives them instead of answering null for something it knows.
 */

/** Derived keys, for callers that must read `data` to compute them. */
export const DERIVED_LOG_KEYS = ['tokens', 'config_id'] as const;

/**
 * The value of a derived key given the log's stored `data` (sent values win).
 * @example derivedLogValue({ prompt_tokens: 10, output_tokens: 5 }, 'tokens') // 15
 */
export function derivedLogValue(data: Record<string, unknown>, key: (typeof DERIVED_LOG_KEYS)[number]): unknown {
  const sent = data[key];
  if (sent !== undefined && sent !== null) return sent;
  if (key === 'tokens') {
    const p = data.prompt_tokens;
    const o = data.output_tokens;
    return typeof p === 'number' && typeof o === 'number' ? p + o : null;
  }
  const config = data.config;
  const id = config && typeof config === 'object' ? (config as Record<string, unknown>).id : undefined;
  return typeof id === 'string' && id !== '' ? id : null;
}

/** True for a key `derivedLogValue` computes. */
export function isDerivedLogKey(key: string): key is (typeof DERIVED_LOG_KEYS)[number] {
  return (DERIVED_LOG_KEYS as readonly string[]).includes(key);
}
