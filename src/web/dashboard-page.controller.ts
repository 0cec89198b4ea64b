import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/access.js';
import { horizontalBarChart } from '../reports/index.js';
import { DASHBOARD_MAX_AGE_MS, DashboardService, SUPPRESSED, toCsv, type CsvValue, type DashboardCell, type DashboardData, type DashboardRow, type PublicFigure } from '../statistics/index.js';

type Measure = keyof DashboardCell;

/** The dashboard's four measures: heading, chart options and what the numbers mean. */
const MEASURES: { key: Measure; id: string; title: string; unit: string; integer: boolean; max?: number; suffix?: string }[] = [
  { key: 'received', id: 'ontvangen', title: 'Ontvangen vragen', unit: 'aantal vragen', integer: true },
  { key: 'answeredShare', id: 'beantwoord', title: 'Aandeel beantwoord', unit: 'procent van de ontvangen vragen', integer: false, max: 100, suffix: ' %' },
  { key: 'medianAnswerDays', id: 'antwoordtijd', title: 'Mediaan antwoordtijd', unit: 'werkdagen', integer: false },
  { key: 'articlesPublished', id: 'artikelen', title: 'Gepubliceerde kennisartikelen', unit: 'aantal artikelen', integer: true },
];

/**
 * `/dashboard` (A3): the partners' public, real-time dashboard — per theme and keuze and per
 * quarter the questions received, the share answered, the median answer time and the articles
 * published, as charts with the same numbers in tables, and `/dashboard/open-data.csv`.
 * Aggregates only, under the disclosure rules of DashboardService. Anonymous answers may be
 * cached until the figures are a minute old; a request with a credential is never stored
 * (registerPrivateResponses), since the header shows who is signed in.
 */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardPageController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @Public()
  async page(@Res() reply: FastifyReply): Promise<void> {
    const { data, ageMs } = await this.dashboard.current();
    cacheFor(reply, ageMs);
    const quarterNames = data.quarters.map((q) => q.label + (q.running ? ' (lopend)' : ''));
    await reply.view('dashboard.njk', {
      generatedAt: new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(data.generatedAt),
      quarters: quarterNames,
      suppressed: SUPPRESSED,
      measures: MEASURES.map((m) => ({
        ...m,
        chart: horizontalBarChart(
          `${m.title} per thema en kwartaal (${m.unit}); de getallen staan in de tabel hieronder`,
          data.themes.map((row) => ({ label: row.label, values: row.cells.map((c) => ({ value: c[m.key].value, text: c[m.key].text })) })),
          { series: quarterNames, integer: m.integer, max: m.max, suffix: m.suffix },
        ).toString(),
        themes: data.themes.map((row) => tableRow(row, m.key)),
        keuzes: data.keuzes.map((row) => tableRow(row, m.key)),
        totals: tableRow(data.totals, m.key),
      })),
    });
  }

  @Get('open-data.csv')
  @Public()
  async csv(@Res() reply: FastifyReply): Promise<void> {
    const { data, ageMs } = await this.dashboard.current();
    cacheFor(reply, ageMs);
    reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="vraagbaak-dashboard.csv"')
      .header('X-Content-Type-Options', 'nosniff')
      .send(toCsv(DASHBOARD_CSV_HEADER, dashboardCsvRows(data)));
  }
}

export const DASHBOARD_CSV_HEADER = ['Kwartaal', 'Van', 'Tot en met', 'Soort', 'Nummer', 'Naam', 'Ontvangen vragen', 'Aandeel beantwoord (%)', 'Mediaan antwoordtijd (werkdagen)', 'Gepubliceerde artikelen'];

/** A figure in the CSV: its number, the withheld text ("< 5", "niet getoond"), or empty for none. */
function csvFigure(f: PublicFigure): CsvValue {
  if (f.value !== null) return f.value;
  return f.text === '–' ? null : f.text;
}

export function dashboardCsvRows(data: DashboardData): CsvValue[][] {
  const rows: CsvValue[][] = [];
  data.quarters.forEach((q, i) => {
    for (const row of [data.totals, ...data.themes, ...data.keuzes]) {
      const c = row.cells[i];
      rows.push([q.key, q.from, q.to, row.kind, row.id, row.label, csvFigure(c.received), csvFigure(c.answeredShare), csvFigure(c.medianAnswerDays), csvFigure(c.articlesPublished)]);
    }
  });
  return rows;
}

function tableRow(row: DashboardRow, key: Measure): { label: string; values: string[] } {
  return { label: row.label, values: row.cells.map((c) => c[key].text) };
}

/** Public caching until the figures are DASHBOARD_MAX_AGE_MS old, so no copy is older than a minute. */
function cacheFor(reply: FastifyReply, ageMs: number): void {
  const seconds = Math.max(0, Math.floor((DASHBOARD_MAX_AGE_MS - ageMs) / 1000));
  reply.header('Cache-Control', seconds > 0 ? `public, max-age=${seconds}` : 'no-cache');
}
