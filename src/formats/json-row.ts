import type { FieldDef, Row } from '../datasets/types.js';
import { timestampFormatter, type TimestampFormatter } from './timestamps.js';
import type { EncoderOptions } from './types.js';
import { booleanValue, jsonText, numberText, stringText, timestampText } from './values.js';

/** Turns one value into JSON value text. */
type ValueWriter = (value: unknown) => string;

/**
 * Builds a function from a row to one JSON object's text, keys exactly the chosen fields in order.
 * Key prefixes are serialized once, so a row costs one concatenation per field.
 * @example const toJson = jsonRowWriter({ fields, timezone: 'UTC' }); toJson({ id: 'r1' }) // '{"id":"r1"}'
 */
export function jsonRowWriter(options: EncoderOptions): (row: Row) => string {
  const timestamps = timestampFormatter(options.timezone);
  const names = options.fields.map((f) => f.name);
  const prefixes = names.map((name, i) => (i === 0 ? '{' : ',') + JSON.stringify(name) + ':');
  const writers = options.fields.map((f) => valueWriter(f, timestamps));
  const n = names.length;
  if (n === 0) return () => '{}';
  return (row) => {
    let text = '';
    for (let i = 0; i < n; i++) text += prefixes[i] + writers[i](row[names[i]]);
    return text + '}';
  };
}

/**
 * One value's JSON text for a field, exactly as the JSON encoders write it (see csvCellWriter).
 * @example jsonValueWriter({ type: 'number' }, 'UTC')(5) // '5'
 */
export function jsonValueWriter(field: Pick<FieldDef, 'type'>, timezone: string): ValueWriter {
  return valueWriter(field, timestampFormatter(timezone));
}

function valueWriter(field: Pick<FieldDef, 'type'>, timestamps: TimestampFormatter): ValueWriter {
  switch (field.type) {
    case 'timestamp':
      return (v) => {
        const t = timestampText(v, timestamps);
        return t === null ? 'null' : JSON.stringify(t);
      };
    case 'boolean':
      return (v) => {
        const b = booleanValue(v);
        return b === null ? 'null' : b ? 'true' : 'false';
      };
    case 'integer':
    case 'number':
      return (v) => {
        if (v === null || v === undefined) return 'null';
        // Text that is not a number stays visible as a string rather than silently becoming null.
        return numberText(v) ?? (typeof v === 'string' ? JSON.stringify(v) : 'null');
      };
    case 'json':
      return (v) => (v === undefined ? 'null' : jsonText(v));
    case 'date':
    case 'string':
    default:
      return (v) => (v === null || v === undefined ? 'null' : JSON.stringify(stringText(v)));
  }
}
