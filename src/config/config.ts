import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

/** The environment Sluice reads; every variable is documented in the README. */
const EnvSchema = z.object({
  PORT: int(8080).pipe(z.number().max(65535)),
  HOST: z.string().default('0.0.0.0'),
  SLUICE_DATA_DIR: z.string().min(1).default('./data'),
  SLUICE_DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^(postgres(ql)?|sqlite|file):/.test(v) || !v.includes('://'), {
      message: 'must be postgres://…, sqlite:<path> or a file path',
    }),
  SLUICE_STORAGE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^(file|s3):\/\//.test(v), { message: 'must be file://<dir> or s3://bucket/prefix' }),
  SLUICE_S3_ENDPOINT: z.string().url().optional(),
  SLUICE_SMTP_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^smtps?:\/\//.test(v), { message: 'must be smtp://… or smtps://…' }),
  SLUICE_MAIL_FROM: z.string().default('Sluice <sluice@localhost>'),
  SLUICE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SLUICE_PUBLIC_URL: z.string().url().optional(),
  SLUICE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SLUICE_INGEST_MAX_BYTES: int(64 * 1024 * 1024, 1024),
  SLUICE_EXPORT_ROW_LIMIT: int(5_000_000, 1),
  SLUICE_RETENTION_DAYS: int(7, 1),
  SLUICE_WORKER_CONCURRENCY: int(2, 1),
  SLUICE_ORG_CONCURRENCY: int(2, 1),
  SLUICE_LEASE_SECONDS: int(30, 2),
  SLUICE_MAX_ATTEMPTS: int(3, 1),
  SLUICE_RETRY_BASE_MS: int(5000, 0),
  SLUICE_RATE_LIMIT_PER_MINUTE: int(120, 1),
  SLUICE_DOWNLOAD_URL_TTL_SECONDS: int(3600, 10),
  SLUICE_TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  SLUICE_OUTBOUND_ALLOWLIST: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const entries: OutboundAllowEntry[] = [];
      for (const raw of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
        const parsed = parseAllowEntry(raw);
        if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
        else entries.push(parsed);
      }
      return Object.freeze(entries);
    }),
});

export type DatabaseConfig =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | { readonly dialect: 'postgres'; readonly url: string };

export type StorageConfig =
  | { readonly kind: 'file'; readonly dir: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string; readonly endpoint?: string };

/** One SLUICE_OUTBOUND_ALLOWLIST entry: a host name, or an address range (a single IP is a /32 or /128). */
export type OutboundAllowEntry =
  | { readonly kind: 'host'; readonly host: string }
  | { readonly kind: 'subnet'; readonly address: string; readonly prefix: number; readonly family: 'ipv4' | 'ipv6' };

/**
 * Validated, typed, frozen configuration of the server side (serve, worker, migrate, demo, store-side
 * commands). Nothing else in Sluice reads `process.env`; CLI clients use `loadClientConfig` instead.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly storage: StorageConfig;
  readonly smtpUrl?: string;
  readonly mailFrom: string;
  readonly secret: string;
  readonly publicUrl: string;
  /** True when SLUICE_PUBLIC_URL was set; otherwise links use the origin each caller reached us at. */
  readonly publicUrlConfigured: boolean;
  readonly logLevel: string;
  readonly ingestMaxBytes: number;
  readonly exportRowLimit: number;
  readonly retentionDays: number;
  readonly workerConcurrency: number;
  readonly orgConcurrency: number;
  readonly leaseSeconds: number;
  readonly maxAttempts: number;
  /** First retry delay of a failed attempt; doubles each attempt. */
  readonly retryBaseMs: number;
  readonly rateLimitPerMinute: number;
  readonly downloadUrlTtlSeconds: number;
  /** Believe X-Forwarded-For/-Proto/-Host (only behind a reverse proxy that sets them). */
  readonly trustProxy: boolean;
  /** Internal hosts and ranges outbound calls (webhooks, drains) may reach, over http or https. */
  readonly outboundAllowlist: readonly OutboundAllowEntry[];
}

/** Raised when the environment is invalid; `problems` has one line per problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment into a frozen Config. Creates the data dir, and the secret in it when
 * `SLUICE_SECRET` is unset, so restarts keep signed URLs and sessions valid.
 * @example const config = loadConfig(process.env);
 */
export function loadConfig(env: Record<string, string | undefined>, overrides: Partial<Record<string, string>> = {}): Config {
  const merged = { ...env, ...overrides };
  const cleaned = Object.fromEntries(
    Object.keys(EnvSchema.shape).map((k) => [k, merged[k] === '' ? undefined : merged[k]]),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(cleaned[String(i.path[0])])})`));
  }
  const e = parsed.data;
  const dataDir = resolve(e.SLUICE_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  const database = parseDatabaseUrl(e.SLUICE_DATABASE_URL, dataDir);
  const storage = parseStorageUrl(e.SLUICE_STORAGE_URL, dataDir, e.SLUICE_S3_ENDPOINT);
  const secret = e.SLUICE_SECRET ?? readOrCreateSecret(dataDir);
  const publicUrl = (e.SLUICE_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');

  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database,
    storage,
    smtpUrl: e.SLUICE_SMTP_URL,
    mailFrom: e.SLUICE_MAIL_FROM,
    secret,
    publicUrl,
    publicUrlConfigured: e.SLUICE_PUBLIC_URL !== undefined,
    logLevel: e.SLUICE_LOG_LEVEL,
    ingestMaxBytes: e.SLUICE_INGEST_MAX_BYTES,
    exportRowLimit: e.SLUICE_EXPORT_ROW_LIMIT,
    retentionDays: e.SLUICE_RETENTION_DAYS,
    workerConcurrency: e.SLUICE_WORKER_CONCURRENCY,
    orgConcurrency: e.SLUICE_ORG_CONCURRENCY,
    leaseSeconds: e.SLUICE_LEASE_SECONDS,
    maxAttempts: e.SLUICE_MAX_ATTEMPTS,
    retryBaseMs: e.SLUICE_RETRY_BASE_MS,
    rateLimitPerMinute: e.SLUICE_RATE_LIMIT_PER_MINUTE,
    downloadUrlTtlSeconds: e.SLUICE_DOWNLOAD_URL_TTL_SECONDS,
    trustProxy: e.SLUICE_TRUST_PROXY === 'true' || e.SLUICE_TRUST_PROXY === '1',
    outboundAllowlist: e.SLUICE_OUTBOUND_ALLOWLIST,
  });
}

/** What `sluice verify` needs of the server's configuration: the secret manifests are signed with, if it can be had. */
export interface VerifyConfig {
  /** SLUICE_SECRET, or the secret kept in the data dir; undefined when neither is there. */
  readonly secret?: string;
}

/**
 * Reads the server secret as the server does (SLUICE_SECRET, else `<data dir>/secret`), flags
 * overriding the environment, but creates nothing: a secret made up here would only fail every
 * signature. Throws a `ConfigError` when SLUICE_SECRET is malformed.
 * @example const { secret } = loadVerifyConfig(process.env, { SLUICE_DATA_DIR: flags.dataDir });
 */
export function loadVerifyConfig(env: Record<string, string | undefined>, overrides: Partial<Record<string, string | undefined>> = {}): VerifyConfig {
  const pick = (k: 'SLUICE_SECRET' | 'SLUICE_DATA_DIR') => (overrides[k] || env[k]) || undefined;
  const parsed = EnvSchema.pick({ SLUICE_SECRET: true, SLUICE_DATA_DIR: true }).safeParse({ SLUICE_SECRET: pick('SLUICE_SECRET'), SLUICE_DATA_DIR: pick('SLUICE_DATA_DIR') });
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const file = join(resolve(parsed.data.SLUICE_DATA_DIR), 'secret');
  const secret = parsed.data.SLUICE_SECRET ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  return Object.freeze({ ...(secret ? { secret } : {}) });
}

const ALLOW_EXAMPLE = 'use a host name, an IP address or a CIDR range, e.g. hooks.internal, 10.0.0.5, 10.0.0.0/8';

/** One allowlist entry, or the reason it is not one. IPv4 spellings are normalized as URLs do (127.1 → 127.0.0.1). */
function parseAllowEntry(raw: string): OutboundAllowEntry | string {
  const [address, prefixText, ...rest] = raw.split('/');
  if (prefixText !== undefined) {
    const version = isIP(address);
    const max = version === 6 ? 128 : 32;
    if (rest.length > 0 || version === 0) return `'${raw}' is not a CIDR range (${ALLOW_EXAMPLE})`;
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return `'${raw}': the prefix length must be 0–${max}`;
    return { kind: 'subnet', address, prefix: Number(prefixText), family: version === 6 ? 'ipv6' : 'ipv4' };
  }
  const bare = raw.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) === 6) return { kind: 'subnet', address: bare, prefix: 128, family: 'ipv6' };
  let host: string;
  try {
    const url = new URL(`http://${raw}/`);
    if (url.host !== url.hostname || url.username || url.pathname !== '/' || url.search || url.hash) throw new Error('not a bare host');
    host = url.hostname.replace(/\.$/, '');
  } catch {
    return `'${raw}' is not a host name (${ALLOW_EXAMPLE})`;
  }
  if (isIP(host) === 4) return { kind: 'subnet', address: host, prefix: 32, family: 'ipv4' };
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(host)) return `'${raw}' is not a host name (${ALLOW_EXAMPLE})`;
  return { kind: 'host', host };
}

function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseConfig {
  if (!url) return { dialect: 'sqlite', path: join(dataDir, 'sluice.db') };
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  const path = url.replace(/^sqlite:(\/\/)?/, '').replace(/^file:(\/\/)?/, '');
  return { dialect: 'sqlite', path: resolve(path) };
}

function parseStorageUrl(url: string | undefined, dataDir: string, endpoint?: string): StorageConfig {
  if (!url) return { kind: 'file', dir: join(dataDir, 'exports') };
  const u = new URL(url);
  if (u.protocol === 'file:') return { kind: 'file', dir: resolve(decodeURIComponent(u.pathname)) };
  return { kind: 's3', bucket: u.hostname, prefix: u.pathname.replace(/^\/+|\/+$/g, ''), endpoint };
}

function readOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** The file:// URL of a local directory, as used in SLUICE_STORAGE_URL. */
export function fileUrl(dir: string): string {
  return pathToFileURL(dir).href;
}
