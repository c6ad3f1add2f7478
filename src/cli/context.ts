import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config/config.js';

/** Flags every command accepts; they override the environment (defaults → env → flags). */
export function withConfigFlags(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data directory (SLUICE_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'postgres://… or a SQLite file path (SLUICE_DATABASE_URL)');
}

/** Parses the environment plus flags into the config, or prints every problem and exits 1. */
export function configFrom(
  flags: { dataDir?: string; databaseUrl?: string; port?: string; storageUrl?: string },
  extra: Record<string, string | undefined> = {},
): Config {
  try {
    return loadConfig(process.env, {
      ...(flags.dataDir ? { SLUICE_DATA_DIR: flags.dataDir } : {}),
      ...(flags.databaseUrl ? { SLUICE_DATABASE_URL: flags.databaseUrl } : {}),
      ...(flags.port ? { PORT: flags.port } : {}),
      ...(flags.storageUrl ? { SLUICE_STORAGE_URL: flags.storageUrl } : {}),
      ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`sluice: invalid configuration, nothing started:\n${err.problems.map((p) => `  ${p}\n`).join('')}`);
      process.exit(1);
    }
    throw err;
  }
}
