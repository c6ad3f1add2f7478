import { z } from 'zod';
import { ConfigError } from './config.js';

/*
 * The configuration of CLI commands that talk to a Sluice server over HTTP. It is deliberately not the
 * server's `loadConfig`: a client has no data dir, no database and no secret, so loading it touches no file.
 */

const blankIsUnset = (v: unknown) => (v === '' ? undefined : v);

const ClientEnvSchema = z.object({
  SLUICE_API_URL: z.preprocess(
    blankIsUnset,
    z
      .string({ error: 'no Sluice server configured: pass --url <url> or set SLUICE_API_URL (e.g. --url http://localhost:8080)' })
      .refine((v) => /^https?:\/\/[^/]/.test(v) && URL.canParse(v), { message: '--url / SLUICE_API_URL must be an http(s) URL such as http://localhost:8080' }),
  ),
  SLUICE_API_KEY: z.preprocess(
    blankIsUnset,
    z.string({ error: 'no API key: pass --api-key <key> or set SLUICE_API_KEY (create one with `sluice keys create`)' }).trim().min(1, 'the API key (--api-key / SLUICE_API_KEY) is blank'),
  ),
});

/** Validated, frozen configuration of a CLI client. */
export interface ClientConfig {
  /** The Sluice server, without a trailing slash. */
  readonly apiUrl: string;
  /** The API key sent as a bearer token. */
  readonly apiKey: string;
}

/**
 * Reads the server URL and API key from the environment, flags overriding it; throws a `ConfigError`
 * with one line per problem (none missing, none malformed). Reads and writes no file.
 * @example const client = loadClientConfig(process.env, { SLUICE_API_URL: flags.url });
 */
export function loadClientConfig(env: Record<string, string | undefined>, overrides: Partial<Record<string, string | undefined>> = {}): ClientConfig {
  const pick = (k: keyof typeof ClientEnvSchema.shape) => overrides[k] ?? env[k];
  const raw = { SLUICE_API_URL: pick('SLUICE_API_URL'), SLUICE_API_KEY: pick('SLUICE_API_KEY') };
  const parsed = ClientEnvSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const got = raw[i.path[0] as keyof typeof raw];
        // Never echo a key back; a URL is safe to show.
        return got && i.path[0] === 'SLUICE_API_URL' ? `${i.message} (got ${JSON.stringify(got)})` : i.message;
      }),
    );
  }
  return Object.freeze({ apiUrl: parsed.data.SLUICE_API_URL.replace(/\/+$/, ''), apiKey: parsed.data.SLUICE_API_KEY });
}
