import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import XLSX from 'xlsx';

/*
 * Readers that are not the writers' libraries, so a test checks the file, not the library's idea of it:
 * DuckDB reads Parquet (Sluice writes it with hyparquet-writer), SheetJS reads XLSX (written with ExcelJS).
 */

/** A Parquet file as DuckDB reads it: column types as DuckDB names them, rows as JS values, row-group count. */
export interface ParquetRead {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  rowGroups: number;
  /** Parquet schema annotations per column, from DuckDB's parquet_schema(). */
  schema: Record<string, { type: string | null; converted_type: string | null; logical_type: string | null }>;
}

/** Reads a Parquet file with DuckDB (timestamps come back as Date, BIGINT as bigint, DATE as Date at UTC midnight). */
export async function readParquet(bytes: Buffer): Promise<ParquetRead> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-parquet-'));
  const file = join(dir, 'f.parquet');
  writeFileSync(file, bytes);
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const described = await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    const columns = described.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    const rows = (await db.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)).getRowObjectsJS();
    const meta = await db.runAndReadAll(`SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata('${file}')`);
    const schemaRows = (await db.runAndReadAll(`SELECT name, type, converted_type, logical_type FROM parquet_schema('${file}')`)).getRowObjectsJS();
    const schema = Object.fromEntries(schemaRows.map((r) => [String(r.name), { type: r.type as string | null, converted_type: r.converted_type as string | null, logical_type: r.logical_type as string | null }]));
    return { columns, rows, rowGroups: Number(meta.getRowObjectsJS()[0].n), schema };
  } finally {
    db.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An XLSX file as SheetJS reads it, plus the raw XML parts for what SheetJS does not model (fonts, panes). */
export interface XlsxRead {
  workbook: XLSX.WorkBook;
  sheetNames: string[];
  /** Each sheet as rows of raw cell values (numbers, booleans, strings; null where there is no cell). */
  values(sheet: string): unknown[][];
  /** A cell object (`t` type, `v` value, `z` number format, `f` formula), or undefined. */
  cell(sheet: string, address: string): XLSX.CellObject | undefined;
  /** The text of a part of the zip, e.g. `xl/styles.xml`. */
  part(name: string): string;
}

/** Reads an XLSX file with SheetJS (number formats kept, raw zip parts available). */
export function readXlsx(bytes: Buffer): XlsxRead {
  const workbook = XLSX.read(bytes, { type: 'buffer', cellNF: true, cellDates: false, bookFiles: true });
  const files = (workbook as unknown as { files: Record<string, { content: Buffer }> }).files;
  return {
    workbook,
    sheetNames: workbook.SheetNames,
    values: (sheet) => XLSX.utils.sheet_to_json<unknown[]>(workbook.Sheets[sheet], { header: 1, raw: true, defval: null, blankrows: true }),
    cell: (sheet, address) => workbook.Sheets[sheet][address] as XLSX.CellObject | undefined,
    part: (name) => {
      const file = files[name] ?? files[`/${name}`];
      if (!file) throw new Error(`no part ${name} in the workbook; parts: ${Object.keys(files).join(', ')}`);
      return Buffer.from(file.content).toString('utf8');
    },
  };
}

/** True when every cell of row 1 of the sheet's XML uses a cell format whose font is bold. */
export function headerIsBold(x: XlsxRead, sheetIndex: number): boolean {
  const styles = x.part('xl/styles.xml');
  const fonts = [...(styles.match(/<fonts[^>]*>([\s\S]*?)<\/fonts>/)?.[1] ?? '').matchAll(/<font>([\s\S]*?)<\/font>|<font\/>/g)].map((m) => m[0]);
  const xfs = [...(styles.match(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/)?.[1] ?? '').matchAll(/<xf [^>]*?fontId="(\d+)"/g)].map((m) => Number(m[1]));
  const sheet = x.part(`xl/worksheets/sheet${sheetIndex + 1}.xml`);
  const header = sheet.match(/<row r="1"[^>]*>([\s\S]*?)<\/row>/)?.[1] ?? '';
  const styleIds = (header.match(/<c [^>]*>/g) ?? []).map((tag) => Number(tag.match(/ s="(\d+)"/)?.[1] ?? 0));
  return styleIds.length > 0 && styleIds.every((s) => /<b\/>|<b val="1"\/>/.test(fonts[xfs[s]] ?? ''));
}

/** The frozen pane of a sheet (`ySplit` rows frozen at the top), from its XML. */
export function frozenRows(x: XlsxRead, sheetIndex: number): number {
  const pane = x.part(`xl/worksheets/sheet${sheetIndex + 1}.xml`).match(/<pane [^>]*>/)?.[0] ?? '';
  return /state="frozen"/.test(pane) ? Number(pane.match(/ySplit="(\d+)"/)?.[1] ?? 0) : 0;
}

/** Epoch ms of the wall time an Excel serial date-time shows (1900 date system). */
export const serialToWallMs = (serial: number): number => Math.round((serial - 25_569) * 86_400_000);
