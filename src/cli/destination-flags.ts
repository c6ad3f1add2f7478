import type { Command } from 'commander';
import type { DestinationInput } from '../contract/drains.js';

/*
 * Where a drain or a scheduled export delivers, as flags: `--http <url>` or `--s3 <bucket>` and their
 * options, shared by `sluice drains create` and `sluice schedules create`.
 */

/** Collects a repeatable flag's values. */
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds the destination flags; `formats` says what `--format` picks for a drain (schedules take the export's format). */
export function withDestinationFlags(cmd: Command): Command {
  return cmd
    .option('--http <url>', 'deliver by POST to this URL (signed: Standard Webhooks; the signing secret is shown once)')
    .option('--header <name:value>', 'http: an extra request header, e.g. "Authorization: Bearer …" (repeatable; stored encrypted)', collect)
    .option('--s3 <bucket>', 'deliver to this S3 (or S3-compatible) bucket')
    .option('--prefix <prefix>', 's3: key prefix; objects go under {prefix}/{YYYY}/{MM}/{DD}/')
    .option('--region <region>', 's3: the bucket region')
    .option('--endpoint <url>', 's3: an S3-compatible endpoint (MinIO, R2, …)')
    .option('--access-key-id <id>', 's3: access key id (stored encrypted; required: Sluice never writes with its own credentials)')
    .option('--secret-access-key <key>', 's3: secret access key (stored encrypted, never shown again)');
}

/** The parsed flags of `withDestinationFlags`. */
export interface DestinationFlags {
  http?: string;
  header?: string[];
  s3?: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/**
 * The destination of these flags, undefined when neither --http nor --s3 is given; throws naming the
 * flag when they conflict or a header is malformed. `extra` adds format/compression.
 * @example destinationOf({ http: 'https://hooks.example.com/sluice' }) // { type: 'http', url: … }
 */
export function destinationOf(flags: DestinationFlags, extra: { format?: string; compression?: 'none' | 'gzip' } = {}): DestinationInput | undefined {
  if (flags.http && flags.s3) throw new Error('give one destination: --http <url> or --s3 <bucket>, not both');
  const s3Only = (['prefix', 'region', 'endpoint', 'accessKeyId', 'secretAccessKey'] as const).filter((k) => flags[k] !== undefined);
  if (flags.http) {
    if (s3Only.length) throw new Error(`--${s3Only.map(kebab).join(', --')} ${s3Only.length === 1 ? 'is' : 'are'} for --s3 destinations`);
    const headers: Record<string, string> = {};
    for (const h of flags.header ?? []) {
      const at = h.indexOf(':');
      if (at <= 0) throw new Error(`--header "${h}" must be "Name: value"`);
      headers[h.slice(0, at).trim()] = h.slice(at + 1).trim();
    }
    return { type: 'http', url: flags.http, ...(flags.header?.length ? { headers } : {}), ...(extra.format ? { format: extra.format as 'json' } : {}) };
  }
  if (flags.header?.length) throw new Error('--header is for --http destinations');
  if (!flags.s3) return undefined;
  return {
    type: 's3',
    bucket: flags.s3,
    ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
    ...(flags.accessKeyId ? { access_key_id: flags.accessKeyId } : {}),
    ...(flags.secretAccessKey ? { secret_access_key: flags.secretAccessKey } : {}),
    ...(extra.format ? { format: extra.format as 'jsonl' } : {}),
    ...(extra.compression ? { compression: extra.compression } : {}),
  };
}

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A destination in one short line for tables: `http https://…` or `s3 bucket/prefix`. */
export function destinationLabel(d: { type: 'http'; url: string } | { type: 's3'; bucket: string; prefix: string } | null): string {
  if (!d) return '–';
  return d.type === 'http' ? d.url : `s3://${d.bucket}${d.prefix ? `/${d.prefix.replace(/^\/+|\/+$/g, '')}` : ''}`;
}
