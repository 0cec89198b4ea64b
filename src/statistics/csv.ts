import type { MeasuresDto } from './statistics.dto.js';

/**
 * CSV that Dutch Excel opens as a table straight away: UTF-8 with a byte-order mark (else Excel
 * reads ANSI), `;` as separator (the comma is the decimal sign in nl-NL), decimal commas, a header
 * row and CRLF line ends. Text starting with = + - @ is prefixed with ' so Excel does not run it.
 */
export const CSV_BOM = '\uFEFF';

export type CsvValue = string | number | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).replace('.', ',') : '';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: CsvValue[][]): string {
  return CSV_BOM + [header, ...rows].map((row) => row.map(csvCell).join(';')).join('\r\n') + '\r\n';
}

/** The columns of a statistics export: [header, value]. */
export const EXPORT_COLUMNS: [string, (m: MeasuresDto) => CsvValue][] = [
  ['Ontvangen', (m) => m.received],
  ['Open', (m) => m.open],
  ['Beantwoord', (m) => m.answered],
  ['Gesloten', (m) => m.closed],
  ['Doorverwezen', (m) => m.referred],
  ['Ingetrokken', (m) => m.withdrawn],
  ['Eerste reactie mediaan (werkdagen)', (m) => m.firstResponseDays.median],
  ['Eerste reactie p90 (werkdagen)', (m) => m.firstResponseDays.p90],
  ['Antwoord mediaan (werkdagen)', (m) => m.answerDays.median],
  ['Antwoord p90 (werkdagen)', (m) => m.answerDays.p90],
  ['Binnen norm eerste reactie (%)', (m) => m.slaMetPct.firstResponse],
  ['Binnen norm antwoord (%)', (m) => m.slaMetPct.answer],
  ['Heropend (%)', (m) => m.reopenRate],
  ['Heropeningen', (m) => m.reopens],
  ['Antwoord na heropening mediaan (werkdagen)', (m) => m.reopenAnswerDays.median],
  ['Waardering gemiddeld', (m) => m.rating.mean],
  ['Waarderingen', (m) => m.rating.count],
  ['Respons waardering (%)', (m) => m.rating.responseRate],
  ['Artikelen gepubliceerd', (m) => m.articlesPublished],
  ['Hergebruik artikelen', (m) => m.articleReuse],
];

export function exportRows(groups: (MeasuresDto & { key: string; label: string })[]): CsvValue[][] {
  return groups.map((g) => [g.key, g.label, ...EXPORT_COLUMNS.map(([, value]) => value(g))]);
}

/** Flat JSON objects with the same columns as the CSV (camelCase keys). */
export function exportObjects(groups: (MeasuresDto & { key: string; label: string })[]): Record<string, CsvValue>[] {
  return groups.map((g) => ({
    key: g.key,
    label: g.label,
    received: g.received,
    open: g.open,
    answered: g.answered,
    closed: g.closed,
    referred: g.referred,
    withdrawn: g.withdrawn,
    firstResponseMedianDays: g.firstResponseDays.median,
    firstResponseP90Days: g.firstResponseDays.p90,
    answerMedianDays: g.answerDays.median,
    answerP90Days: g.answerDays.p90,
    slaMetFirstResponsePct: g.slaMetPct.firstResponse,
    slaMetAnswerPct: g.slaMetPct.answer,
    reopenRatePct: g.reopenRate,
    reopens: g.reopens,
    reopenAnswerMedianDays: g.reopenAnswerDays.median,
    ratingMean: g.rating.mean,
    ratingCount: g.rating.count,
    ratingResponseRatePct: g.rating.responseRate,
    articlesPublished: g.articlesPublished,
    articleReuse: g.articleReuse,
  }));
}
