import type { Command } from 'commander';
import { loadClientConfig } from '../config/client-config.js';
import { ConfigError } from '../config/config.js';
import { createApiClient, type ApiClient } from './api-client.js';

/** Exit code of a command that cannot run as configured (no server, no key, a malformed URL). */
export const EXIT_USAGE = 2;

/**
 * The flags of every command that talks to a Sluice server. They are the whole of its configuration:
 * a client has no data dir, database or secret, so it creates no file where it runs.
 */
export function withClientFlags(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'the Sluice server, e.g. http://localhost:8080 (SLUICE_API_URL)')
    .option('--api-key <key>', 'API key with the export scope (SLUICE_API_KEY)');
}

/** The API client for these flags and the environment, or every problem on its own line and exit 2. */
export function clientFrom(flags: { url?: string; apiKey?: string }): ApiClient {
  try {
    return createApiClient(loadClientConfig(process.env, { SLUICE_API_URL: flags.url, SLUICE_API_KEY: flags.apiKey }));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(err.problems.map((p) => `sluice: ${p}\n`).join(''));
    process.exit(EXIT_USAGE);
  }
}
