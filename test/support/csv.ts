import { CSV_BOM } from '../../src/statistics/csv.js';

/**
 * Semicolon CSV as src/statistics/csv.ts writes it (a BOM first, CRLF line ends, quotes only around
 * cells with ; " or a line end), back to cells; fails when the BOM is missing.
 */
export function parseCsv(text: string): string[][] {
  expect(text.startsWith(CSV_BOM)).toBe(true);
  const rows: string[][] = [];
  for (const line of text.slice(CSV_BOM.length).split('\r\n').filter((l) => l.length)) {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') (cell += '"'), i++;
        else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ';') cells.push(cell), (cell = '');
      else cell += ch;
    }
    cells.push(cell);
    rows.push(cells);
  }
  return rows;
}
