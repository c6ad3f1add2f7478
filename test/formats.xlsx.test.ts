import { describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.js';
import { contentType, fileExtension, loadEncoder, isCompressedFormat, XLSX_MAX_DATA_ROWS } from '../src/formats/index.js';
import { encodeToBuffer, field, TYPED_FIELDS } from './helpers/encode.js';
import { frozenRows, headerIsBold, readXlsx, serialToWallMs } from './helpers/readers.js';

const fields = TYPED_FIELDS;

describe('XLSX encoder, read back with SheetJS', () => {
  it('types cells: Excel date-times in the export zone, dates, numbers, booleans, JSON as text, nulls as empty cells', async () => {
    const rows = [
      { id: 'r1', runs: 3, cost: 2.5, ok: 1, at: Date.UTC(2025, 0, 2, 3, 4, 5), day: '2025-03-01', meta: { a: [1, 'x'] } },
      { id: 'r2', runs: '12345678901234567', cost: '-0.25', ok: false, at: Date.UTC(2025, 6, 1, 12, 0, 0), day: null, meta: null },
      { id: null, runs: null, cost: null, ok: null, at: null, day: null, meta: null },
    ];
    const x = readXlsx(await encodeToBuffer('xlsx', [rows], { fields, timezone: 'Europe/Berlin' }));
    expect(x.sheetNames).toEqual(['Sheet 1']);
    const values = x.values('Sheet 1');
    expect(values.map((r) => r.filter((_, i) => i !== 4))).toEqual([
      ['id', 'runs', 'cost', 'ok', 'day', 'meta'],
      ['r1', 3, 2.5, true, 45717, '{"a":[1,"x"]}'],
      // int8 beyond 2^53 stays exact as text; a double could not hold its digits.
      ['r2', '12345678901234567', -0.25, false, null, null],
      // A row of nulls is kept (one blank text cell), so the sheet has as many rows as the export.
      ['', null, null, null, null, null],
    ]);
    // Wall time in Berlin: 03:04:05Z in winter is 04:04:05 (UTC+1); 12:00Z in summer is 14:00 (UTC+2).
    expect(serialToWallMs(values[1][4] as number)).toBe(Date.UTC(2025, 0, 2, 4, 4, 5));
    expect(serialToWallMs(values[2][4] as number)).toBe(Date.UTC(2025, 6, 1, 14, 0, 0));
    expect(values[3][4]).toBeNull();
    expect(x.cell('Sheet 1', 'E2')).toMatchObject({ t: 'n', z: 'yyyy-mm-dd hh:mm:ss', w: '2025-01-02 04:04:05' });
    expect(x.cell('Sheet 1', 'F2')).toMatchObject({ t: 'n', z: 'yyyy-mm-dd', w: '2025-03-01' });
    expect(x.cell('Sheet 1', 'D2')).toMatchObject({ t: 'b', v: true });
    expect(x.cell('Sheet 1', 'G2')).toMatchObject({ t: 's' });
  });

  it('has a bold header row frozen at the top', async () => {
    const x = readXlsx(await encodeToBuffer('xlsx', [[{ id: 'a' }]], { fields }));
    expect(headerIsBold(x, 0)).toBe(true);
    expect(frozenRows(x, 0)).toBe(1);
  });

  it('continues on Sheet 2, Sheet 3, … after the per-sheet row limit, each with the header', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ id: `r${i}`, runs: i }));
    const x = readXlsx(await encodeToBuffer('xlsx', [rows.slice(0, 2), rows.slice(2)], { fields: fields.slice(0, 2), sheetRowLimit: 3 }));
    expect(x.sheetNames).toEqual(['Sheet 1', 'Sheet 2', 'Sheet 3']);
    expect(x.values('Sheet 1')).toEqual([['id', 'runs'], ['r0', 0], ['r1', 1], ['r2', 2]]);
    expect(x.values('Sheet 2')).toEqual([['id', 'runs'], ['r3', 3], ['r4', 4], ['r5', 5]]);
    expect(x.values('Sheet 3')).toEqual([['id', 'runs'], ['r6', 6]]);
    for (const i of [0, 1, 2]) {
      expect(headerIsBold(x, i)).toBe(true);
      expect(frozenRows(x, i)).toBe(1);
    }
    expect(XLSX_MAX_DATA_ROWS).toBe(1_048_575);
  });

  it('never writes formulas, and neutralizes formula-like text as CSV does (numbers untouched)', async () => {
    const inputs = ['=SUM(A1)', '+1', '-x', '@x', '\tx', 'safe'];
    const f = [field('s'), field('n', 'number')];
    const bytes = await encodeToBuffer('xlsx', [inputs.map((s) => ({ s, n: -5 }))], { fields: f });
    const x = readXlsx(bytes);
    expect(x.values('Sheet 1').slice(1)).toEqual([["'=SUM(A1)", -5], ["'+1", -5], ["'-x", -5], ["'@x", -5], ["'\tx", -5], ['safe', -5]]);
    for (let r = 2; r <= 7; r++) {
      expect(x.cell('Sheet 1', `A${r}`)?.t).toBe('s');
      expect(x.cell('Sheet 1', `A${r}`)?.f).toBeUndefined();
    }
    expect(x.part('xl/worksheets/sheet1.xml')).not.toMatch(/<f[ >]/);

    const off = readXlsx(await encodeToBuffer('xlsx', [[{ s: '=1+1' }]], { fields: [field('s')], neutralizeFormulas: false }));
    expect(off.cell('Sheet 1', 'A2')).toMatchObject({ t: 's', v: '=1+1' });
    expect(off.cell('Sheet 1', 'A2')?.f).toBeUndefined();
  });

  it('refuses a text longer than an Excel cell holds rather than cutting it', async () => {
    const err = await encodeToBuffer('xlsx', [[{ s: 'x'.repeat(32_768) }]], { fields: [field('s')] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/^XLSX cannot store the 32,768 characters of field s in row 1: an Excel cell holds at most 32,767/);
  });

  it('holds back the workbook when nobody reads (backpressure)', async () => {
    const encoder = (await loadEncoder('xlsx'))({ fields: [field('id')], timezone: 'UTC' });
    const batch = Array.from({ length: 200 }, (_, i) => ({ id: `row-${i}-${Math.random().toString(36).repeat(20)}` }));
    // A refused write is retried on 'drain' (the zip starts on the sheet after the workbook's first
    // parts); the encoder is full once no drain comes for half a second.
    let accepted = 0;
    while (accepted < 2_000) {
      accepted++;
      if (encoder.write(batch)) continue;
      const drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => (encoder.off('drain', onDrain), resolve(false)), 500);
        const onDrain = () => (clearTimeout(timer), resolve(true));
        encoder.once('drain', onDrain);
      });
      if (!drained) break;
    }
    // ~70 kB of sheet XML a batch, compressed ~15×: the stream buffers between the rows and the reader
    // (each 16 kB) hold about 30 batches; with the zip's own 1 MiB buffers it took 550.
    expect(accepted).toBeLessThan(100);
    encoder.destroy();
  });

  it('is served with the spreadsheetml content type and an .xlsx name, and counts as compressed', () => {
    expect(contentType('xlsx')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(fileExtension('xlsx')).toBe('.xlsx');
    expect(isCompressedFormat('xlsx')).toBe(true);
  });
});
