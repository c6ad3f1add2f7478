import type { Duplex, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FieldDef, Row } from '../datasets/types.js';
import { Unprocessable } from '../errors.js';
import { neutralized } from './csv.js';
import { createLibraryEncoder } from './library-encoder.js';
import { timestampFormatter, zoneOffsetLookup } from './timestamps.js';
import { XLSX_MAX_DATA_ROWS, type EncoderOptions } from './types.js';
import { unencodable } from './unencodable.js';
import { booleanValue, dateMs, jsonText, numberValue, stringText, timestampMs } from './values.js';

/** Excel shows at most this many characters in a cell and calls a longer one a damaged file. */
const MAX_CELL_CHARS = 32_767;
const DAY_MS = 86_400_000;
/** Serial of 1970-01-01 in Excel's 1900 date system. */
const EPOCH_SERIAL = 25_569;
/** 1900-03-01: earlier serials are skewed by Excel's fictitious 1900-02-29, so such instants stay text. */
const FIRST_SAFE_SERIAL = 61;

/** Archiver's options as ExcelJS passes them on; its typings leave out the stream's highWaterMark. */
type ZipOptions = Partial<ExcelJS.stream.xlsx.ArchiverZipOptions> & { highWaterMark?: number };
/** What the zip may hold on each side before it stops reading the sheet (archiver's own default is 1 MiB). */
const ZIP_OPTIONS: ZipOptions = { highWaterMark: 16 * 1024 };

const TIMESTAMP_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const DATE_FORMAT = 'yyyy-mm-dd';

type CellValue = string | number | boolean | null;

/**
 * Office Open XML workbook, streamed: a bold, frozen header row on every sheet; timestamps as Excel
 * date-times (wall time in the export's zone), dates as dates, numbers as numbers, booleans as booleans,
 * JSON as text; text cells are never formulas and are neutralized as in CSV. After `sheetRowLimit` data
 * rows (Excel's maximum by default) the rows continue on `Sheet 2`, `Sheet 3`, …
 * @example pipeline(rows, xlsxEncoder({ fields, timezone: 'Europe/Berlin' }), file)
 */
export function xlsxEncoder(options: EncoderOptions): Duplex {
  const limit = Math.min(options.sheetRowLimit ?? XLSX_MAX_DATA_ROWS, XLSX_MAX_DATA_ROWS);
  const neutralize = options.neutralizeFormulas ?? true;
  const writers = options.fields.map((f) => cellWriter(f, options.timezone, neutralize));
  const names = options.fields.map((f) => f.name);
  const columns = options.fields.map((f) => ({
    width: f.type === 'timestamp' ? 20 : Math.min(60, Math.max(10, f.name.length + 2)),
    style: f.type === 'timestamp' ? { numFmt: TIMESTAMP_FORMAT } : f.type === 'date' ? { numFmt: DATE_FORMAT } : {},
  }));

  return createLibraryEncoder((sink) => {
    // Inline strings: shared strings would keep every distinct text of the export in memory. The zip
    // (archiver) buffers 1 MiB each side by default, tens of MB of sheet XML at its compression ratio,
    // before its backpressure reaches zipCaughtUp: Node's default keeps that to a few batches.
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink.stream, useStyles: true, useSharedStrings: false, zip: ZIP_OPTIONS });
    let sheet: ExcelJS.Worksheet | null = null;
    let sheets = 0;
    let sheetRows = 0;
    let rowNumber = 0;
    const openSheet = () => {
      sheet?.commit();
      sheet = workbook.addWorksheet(`Sheet ${++sheets}`, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
      sheet.columns = columns;
      const header = sheet.addRow(names);
      header.font = { bold: true };
      header.commit();
      sheetRows = 0;
    };
    openSheet();
    return {
      async write(rows) {
        for (const row of rows) {
          if (sheetRows === limit) openSheet();
          sheet!.addRow(cells(row, names, writers, rowNumber++)).commit();
          sheetRows++;
        }
        await zipCaughtUp(sheet!);
      },
      async end() {
        await workbook.commit();
      },
    };
  });
}

function cells(row: Row, names: readonly string[], writers: readonly CellWriter[], index: number): CellValue[] {
  const out = new Array<CellValue>(names.length);
  let empty = true;
  for (let i = 0; i < names.length; i++) if ((out[i] = writers[i](row[names[i]], index)) !== null) empty = false;
  // ExcelJS drops a row without values, and a sheet ends at its last non-empty row: one blank text cell
  // keeps an all-null row in the file, so the sheet has exactly as many rows as the export.
  if (empty && out.length > 0) out[0] = '';
  return out;
}

type CellWriter = (value: unknown, row: number) => CellValue;

function cellWriter(field: FieldDef, timezone: string, neutralize: boolean): CellWriter {
  const text = (s: string, row: number): string => {
    if (s.length > MAX_CELL_CHARS) tooLong(field, s, row);
    return s;
  };
  const userText = neutralize ? (s: string, row: number) => text(neutralized(s), row) : text;
  switch (field.type) {
    case 'timestamp': {
      const offsetAt = zoneOffsetLookup(timezone);
      const iso = timestampFormatter(timezone);
      return (v, row) => {
        const ms = timestampMs(v);
        if (ms === null) return null;
        if (!Number.isFinite(ms)) return unencodable('XLSX', field, v, row);
        // Excel date-times carry no zone: the serial is the wall time the export's zone shows.
        const serial = (ms + offsetAt(ms)) / DAY_MS + EPOCH_SERIAL;
        return serial >= FIRST_SAFE_SERIAL ? serial : iso(ms);
      };
    }
    case 'date':
      return (v, row) => {
        const ms = dateMs(v);
        if (ms === null) return null;
        if (!Number.isFinite(ms)) return unencodable('XLSX', field, v, row);
        const serial = ms / DAY_MS + EPOCH_SERIAL;
        return serial >= FIRST_SAFE_SERIAL ? serial : (v as string);
      };
    case 'boolean':
      return booleanValue;
    case 'integer':
    case 'number':
      return (v, row) => {
        const n = numberValue(v);
        if (n === null) return null;
        // Digits a double cannot hold (int8 beyond 2^53) stay exact as text; non-numeric text stays visible, as in CSV.
        if (Number.isFinite(n) && (field.type === 'number' || Number.isSafeInteger(n))) return n;
        return typeof v === 'string' && !Number.isFinite(n) ? userText(v, row) : stringText(v);
      };
    case 'json':
      return (v, row) => (v === null || v === undefined ? null : text(jsonText(v), row));
    case 'string':
    default:
      return (v, row) => (v === null || v === undefined ? null : userText(stringText(v), row));
  }
}

function tooLong(field: FieldDef, s: string, row: number): never {
  throw new Unprocessable(
    `XLSX cannot store the ${s.length.toLocaleString('en')} characters of field ${field.name} in row ${row + 1}: an Excel cell holds at most 32,767; leave the field out or export as CSV, JSON or Parquet`,
    { field: field.name },
  );
}

/**
 * Waits until the zip has taken in what the sheet wrote. ExcelJS writes rows into a pass-through that
 * the zip drains at its own pace and ignores that stream's backpressure; waiting here after each batch
 * bounds what sits between the rows and the compressor to about one batch. Before the zip reaches the
 * sheet (it writes entries in order) there is nothing to wait for yet.
 */
async function zipCaughtUp(sheet: ExcelJS.Worksheet): Promise<void> {
  const target = (sheet as unknown as { stream?: { pipes?: ZipInput[] } }).stream?.pipes?.[0];
  if (!target) return;
  // The zip's input is a readable-stream 2.x PassThrough: its Writable has no `writableLength` getter yet.
  const queued = () => target.writableLength ?? target._writableState?.length ?? 0;
  while (!target.destroyed && queued() > (target.writableHighWaterMark ?? target._writableState?.highWaterMark ?? 16_384)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        target.off('drain', done).off('close', done);
        resolve();
      };
      target.on('drain', done).on('close', done);
    });
  }
}

/** The part of the zip's input stream that zipCaughtUp reads. */
type ZipInput = Writable & { _writableState?: { length: number; highWaterMark: number } };
