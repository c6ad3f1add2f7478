import { Notice } from '../components/Notice';
import { HTTP_FORMAT_LABELS, S3_FORMAT_LABELS, type DestinationDraft } from './destination';
import { TextField } from './TextField';

interface Props {
  value: DestinationDraft;
  onChange: (next: DestinationDraft) => void;
  /** Problems by API field name (`destination.url`, …; `destination` for a refused preflight). */
  errors: Readonly<Record<string, string>>;
  /** A refused preflight: the destination's status and the start of its answer. */
  refused?: { status: number | null; response: string | null } | null;
  /**
   * A schedule's destination: optional (without one the file stays downloadable in Sluice), and it receives
   * the export's own file, so the payload and file-format choices of a drain do not apply.
   */
  forSchedule?: boolean;
}

const TYPE_LABELS: Record<DestinationDraft['type'], { label: string; hint: string }> = {
  none: { label: 'None', hint: 'Keep the files in Sluice to download' },
  http: { label: 'HTTP endpoint', hint: 'Signed POSTs to your endpoint' },
  s3: { label: 'S3 bucket', hint: 'Objects in any S3-compatible store' },
};

/** Where a drain or schedule delivers: an HTTP endpoint or an S3 bucket with their options, and a refused preflight. */
export function DestinationFields({ value, onChange, errors, refused, forSchedule }: Props) {
  const set = (patch: Partial<DestinationDraft>) => onChange({ ...value, ...patch });
  const types = (forSchedule ? ['none', 'http', 's3'] : ['http', 's3']) as DestinationDraft['type'][];
  return (
    <fieldset className="fieldset dest" data-testid="destination">
      <legend className="label">Destination</legend>
      <div className="choice-grid choice-grid--compact">
        {/* Switching type keeps what was typed for the other one, so flipping back loses nothing. */}
        {types.map((t) => (
          <label key={t} className={`choice choice--compact${value.type === t ? ' is-selected' : ''}`}>
            <input type="radio" name="destination-type" value={t} checked={value.type === t} onChange={() => onChange({ ...value, type: t })} data-testid={`destination-${t}`} />
            <span className="choice__body">
              <span className="choice__title">{TYPE_LABELS[t].label}</span>
              <span className="choice__desc">{TYPE_LABELS[t].hint}</span>
            </span>
          </label>
        ))}
      </div>

      {errors.destination && (
        <div className="dest__refused" data-testid="preflight-error">
          <Notice tone="error">
            <p>{errors.destination}</p>
            {refused && (
              <>
                <p data-testid="preflight-status">The destination answered {refused.status === null ? 'nothing (it could not be reached)' : `HTTP ${refused.status}`}.</p>
                {refused.response && (
                  <>
                    <p className="small">The first 500 bytes of its answer:</p>
                    {/* Focusable: a long answer scrolls inside the box, and keyboard users must be able to scroll it. */}
                    <pre className="excerpt" tabIndex={0} data-testid="preflight-response">
                      {refused.response}
                    </pre>
                  </>
                )}
              </>
            )}
          </Notice>
        </div>
      )}

      {value.type === 'http' && (
        <div className="dest__grid">
          <TextField id="dest-url" label="Endpoint address" type="url" value={value.url} onChange={(url) => set({ url })} error={errors['destination.url']} placeholder="https://ingest.example.com/sluice" testId="dest-url" />
          {!forSchedule && (
          <div className="field">
            <label htmlFor="dest-http-format">Payload</label>
            <select id="dest-http-format" value={value.httpFormat} onChange={(e) => set({ httpFormat: e.target.value as DestinationDraft['httpFormat'] })} data-testid="dest-http-format">
              {Object.entries(HTTP_FORMAT_LABELS).map(([id, label]) => (
                <option key={id} value={id}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          )}
          <TextField
            id="dest-headers"
            label="Extra headers (optional)"
            multiline
            value={value.headers}
            onChange={(headers) => set({ headers })}
            error={errors['destination.headers']}
            placeholder="Authorization: Bearer …"
            hint="One “Name: value” per line, e.g. a token the endpoint expects. Stored encrypted and never shown again."
            testId="dest-headers"
          />
        </div>
      )}

      {value.type === 's3' && (
        <div className="dest__grid">
          <TextField id="dest-bucket" label="Bucket" value={value.bucket} onChange={(bucket) => set({ bucket })} error={errors['destination.bucket']} testId="dest-bucket" />
          <TextField id="dest-prefix" label="Folder (key prefix, optional)" value={value.prefix} onChange={(prefix) => set({ prefix })} error={errors['destination.prefix']} placeholder="sluice" testId="dest-prefix" />
          <TextField id="dest-region" label="Region (optional)" value={value.region} onChange={(region) => set({ region })} error={errors['destination.region']} placeholder="eu-central-1" testId="dest-region" />
          <TextField
            id="dest-endpoint"
            label="Endpoint (optional)"
            type="url"
            value={value.endpoint}
            onChange={(endpoint) => set({ endpoint })}
            error={errors['destination.endpoint']}
            hint="For S3-compatible stores (MinIO, R2, …); leave empty for AWS."
            testId="dest-endpoint"
          />
          <TextField id="dest-key-id" label="Access key ID" value={value.accessKeyId} onChange={(accessKeyId) => set({ accessKeyId })} error={errors['destination.access_key_id']} testId="dest-key-id" />
          <TextField
            id="dest-secret"
            label="Secret access key"
            type="password"
            value={value.secretAccessKey}
            onChange={(secretAccessKey) => set({ secretAccessKey })}
            error={errors['destination.secret_access_key']}
            hint="Stored encrypted and never shown again. Keys of the destination's own (an IAM user or an S3-compatible store's key): Sluice never uses the server's credentials for it."
            testId="dest-secret"
          />
          {!forSchedule && (
            <>
          <div className="field">
            <label htmlFor="dest-s3-format">File format</label>
            <select id="dest-s3-format" value={value.s3Format} onChange={(e) => set({ s3Format: e.target.value as DestinationDraft['s3Format'] })} aria-describedby={errors['destination.format'] ? 'dest-s3-format-error' : undefined} data-testid="dest-s3-format">
              {Object.entries(S3_FORMAT_LABELS).map(([id, label]) => (
                <option key={id} value={id}>
                  {label}
                </option>
              ))}
            </select>
            {errors['destination.format'] && (
              <p id="dest-s3-format-error" className="field-error" role="alert">
                {errors['destination.format']}
              </p>
            )}
          </div>
          <div className="field">
            <label className="check">
              <input type="checkbox" checked={value.gzip && value.s3Format !== 'parquet'} disabled={value.s3Format === 'parquet'} onChange={(e) => set({ gzip: e.target.checked })} aria-describedby="dest-gzip-hint" data-testid="dest-gzip" />
              <span>Compress with gzip</span>
            </label>
            <p id="dest-gzip-hint" className={errors['destination.compression'] ? 'field-error' : 'muted small'} role={errors['destination.compression'] ? 'alert' : undefined}>
              {errors['destination.compression'] ?? (value.s3Format === 'parquet' ? 'Parquet files are compressed already.' : 'Smaller objects (.gz).')}
            </p>
          </div>
            </>
          )}
        </div>
      )}
    </fieldset>
  );
}
