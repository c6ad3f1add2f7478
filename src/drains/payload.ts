import type { FieldDef, Row } from '../datasets/types.js';
import { jsonRowWriter } from '../formats/json-row.js';

/** The sequence number each delivered record carries. */
export const SEQUENCE_FIELD: FieldDef = { name: '_sequence', type: 'integer', description: 'Change sequence of this row', pii: false, default: true, group: 'Drain' };

/** Turns rows into JSON object texts: the drain's fields with export names, ISO timestamps, plus `_sequence`. */
export function recordWriter(fields: readonly FieldDef[], timezone: string): (row: Row) => string {
  return jsonRowWriter({ fields: [...fields, SEQUENCE_FIELD], timezone });
}

export interface BatchInfo {
  readonly drainId: string;
  readonly drainName: string;
  readonly dataType: string;
  readonly from: number;
  readonly to: number;
}

/** The JSON body of an HTTP delivery: `{source, drain_id, drain_name, data_type, sequence:{from,to}, records}`. */
export function jsonBatchBody(info: BatchInfo, records: readonly string[]): string {
  const head = JSON.stringify({ source: 'sluice', drain_id: info.drainId, drain_name: info.drainName, data_type: info.dataType, sequence: { from: info.from, to: info.to } });
  return `${head.slice(0, -1)},"records":[${records.join(',')}]}`;
}

/** The same batch as OTLP/HTTP JSON logs: one log record per row, its JSON as the body. */
export function otlpBatchBody(info: BatchInfo, records: readonly string[], rows: readonly Row[], timeField: string | undefined, now = Date.now()): string {
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const nanos = (ms: number) => `${BigInt(Math.trunc(ms)) * 1_000_000n}`;
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [attr('service.name', 'sluice'), attr('sluice.drain_id', info.drainId), attr('sluice.drain_name', info.drainName)] },
        scopeLogs: [
          {
            scope: { name: 'sluice.drain', version: '1' },
            logRecords: records.map((text, i) => ({
              timeUnixNano: nanos(typeof rows[i][timeField ?? ''] === 'number' ? (rows[i][timeField!] as number) : now),
              observedTimeUnixNano: nanos(now),
              severityNumber: 9,
              severityText: 'INFO',
              body: { stringValue: text },
              attributes: [attr('sluice.data_type', info.dataType), { key: 'sluice.sequence', value: { intValue: String(rows[i]._sequence) } }],
            })),
          },
        ],
      },
    ],
  });
}
