import type { DestinationInput, HTTP_DRAIN_FORMATS, S3_DRAIN_FORMATS } from '@contract/drains';

type HttpFormat = (typeof HTTP_DRAIN_FORMATS)[number];
type S3Format = (typeof S3_DRAIN_FORMATS)[number];

/** What the destination part of a form holds; `toDestination` makes the API's `destination` of it. */
export interface DestinationDraft {
  type: 'none' | 'http' | 's3';
  url: string;
  httpFormat: HttpFormat;
  /** One `Name: value` per line. */
  headers: string;
  bucket: string;
  prefix: string;
  region: string;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  s3Format: S3Format;
  gzip: boolean;
}

export const emptyDestination = (type: DestinationDraft['type']): DestinationDraft => ({
  type,
  url: '',
  httpFormat: 'json',
  headers: '',
  bucket: '',
  prefix: '',
  region: '',
  endpoint: '',
  accessKeyId: '',
  secretAccessKey: '',
  s3Format: 'jsonl',
  gzip: false,
});

export const HTTP_FORMAT_LABELS: Record<HttpFormat, string> = { json: 'Sluice JSON batches (signed)', otlp: 'OpenTelemetry logs (OTLP/HTTP JSON)' };
export const S3_FORMAT_LABELS: Record<S3Format, string> = { jsonl: 'JSON Lines (one record per line)', json: 'JSON (one array per file)', parquet: 'Parquet (typed columns)' };

const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$/;

/** Extra headers from `Name: value` lines, or the first line that is not one. */
export function parseHeaders(text: string): { headers: Record<string, string> } | { bad: string } {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const m = HEADER_LINE.exec(line);
    if (!m) return { bad: line };
    headers[m[1]] = m[2];
  }
  return { headers };
}

const isHttpUrl = (s: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(s).protocol);
  } catch {
    return false;
  }
};

/** What is wrong before anything is sent, by the API's field names (`destination.url`, …). */
export function destinationIssues(d: DestinationDraft): Record<string, string> {
  const out: Record<string, string> = {};
  if (d.type === 'http') {
    if (!d.url.trim()) out['destination.url'] = 'Enter the address that receives the deliveries.';
    else if (!isHttpUrl(d.url.trim())) out['destination.url'] = 'Enter a full address starting with https:// (or http://).';
    const parsed = parseHeaders(d.headers);
    if ('bad' in parsed) out['destination.headers'] = `“${parsed.bad}” is not a header: write one “Name: value” per line.`;
  }
  if (d.type === 's3') {
    if (!d.bucket.trim()) out['destination.bucket'] = 'Enter the bucket name.';
    if (d.endpoint.trim() && !isHttpUrl(d.endpoint.trim())) out['destination.endpoint'] = 'Enter a full address starting with https:// (or http://), or leave it empty for AWS.';
    if (!d.accessKeyId.trim()) out['destination.access_key_id'] = "Enter the destination's access key ID: Sluice never writes to it with the server's credentials.";
    if (!d.secretAccessKey.trim()) out['destination.secret_access_key'] = 'Enter the secret access key that goes with the access key ID.';
  }
  return out;
}

/** The API's `destination`, or undefined for none. Empty optional parts are left out. */
export function toDestination(d: DestinationDraft): DestinationInput | undefined {
  if (d.type === 'http') {
    const parsed = parseHeaders(d.headers);
    const headers = 'headers' in parsed && Object.keys(parsed.headers).length ? parsed.headers : undefined;
    return { type: 'http', url: d.url.trim(), format: d.httpFormat, ...(headers ? { headers } : {}) };
  }
  if (d.type === 's3') {
    const opt = (v: string) => (v.trim() ? v.trim() : undefined);
    return {
      type: 's3',
      bucket: d.bucket.trim(),
      prefix: d.prefix.trim(),
      region: opt(d.region),
      endpoint: opt(d.endpoint),
      access_key_id: d.accessKeyId.trim(),
      secret_access_key: d.secretAccessKey.trim(),
      format: d.s3Format,
      compression: d.gzip && d.s3Format !== 'parquet' ? 'gzip' : 'none',
    };
  }
  return undefined;
}

/** "HTTP · https://…" / "S3 · bucket/prefix": where a drain or schedule delivers, in one line. */
export function describeDestination(view: { type: 'http'; url: string } | { type: 's3'; bucket: string; prefix: string } | null): string {
  if (!view) return 'None';
  return view.type === 'http' ? `HTTP endpoint ${view.url}` : `S3 bucket ${view.bucket}${view.prefix ? `/${view.prefix}` : ''}`;
}
