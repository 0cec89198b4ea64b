import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { Clock, amsterdamDay, shiftDay } from '../common/clock.js';
import { OptionalField } from '../common/validators.js';
import { StatisticsService, dutchDate, emptyMeasures, quarterBefore, quarterOfDay, type MeasuresDto, type Quarter } from '../statistics/index.js';
import { horizontalBarChart } from './charts.js';
import { EvaluationReportService, type EvaluationData } from './evaluation-report.service.js';
import { html, raw, reportDocument, tableRegion } from './html.js';
import { formatNumber } from './svg-charts.js';

type Html = ReturnType<typeof html>;

export class QuarterlyQuery {
  @ApiPropertyOptional({ description: 'Year (2000–2100); default: that of the last complete quarter.' })
  @OptionalField() @Type(() => Number) @IsInt() @Min(2000) @Max(2100)
  year?: number;

  @ApiPropertyOptional({ description: 'Quarter (1–4); default: the last complete quarter.' })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(4)
  quarter?: number;
}

export interface QuarterlyData {
  quarter: Quarter;
  previous: Quarter;
  lastYear: Quarter;
  generatedAt: Date;
  /** The quarter itself, as the evaluation report gathers it (themes, keuzes, gaps, referrals). */
  current: EvaluationData;
  previousTotals: MeasuresDto;
  lastYearTotals: MeasuresDto;
  previousThemes: Map<string, MeasuresDto>;
  lastYearThemes: Map<string, MeasuresDto>;
  previousKeuzes: Map<string, MeasuresDto>;
  lastYearKeuzes: Map<string, MeasuresDto>;
}

/**
 * The quarterly overview for the directors' meeting (B6): a quarter against the previous one and
 * the same quarter a year before, per theme and keuze, the notable knowledge gaps and the
 * referrals (questions that belong elsewhere: a signal for policy). Printable to A4.
 */
@Injectable()
export class QuarterlyReportService {
  constructor(
    private readonly statistics: StatisticsService,
    private readonly evaluation: EvaluationReportService,
    private readonly clock: Clock,
  ) {}

  /** Without year and quarter: the last complete quarter. */
  resolve(query: QuarterlyQuery): Quarter {
    const last = quarterOfDay(amsterdamDay(this.clock.now()), 1);
    return quarterBefore(query.year ?? last.year, query.quarter ?? (query.year === undefined ? last.quarter : 4), 0);
  }

  async gather(query: QuarterlyQuery): Promise<QuarterlyData> {
    const quarter = this.resolve(query);
    const previous = quarterBefore(quarter.year, quarter.quarter, 1);
    const lastYear = quarterBefore(quarter.year, quarter.quarter, 4);
    const filter = (q: Quarter) => this.statistics.resolve({ from: q.from, to: q.to });
    const [themeGroups, keuzeGroups] = await Promise.all([this.statistics.groupsFor('theme', filter(quarter)), this.statistics.groupsFor('keuze', filter(quarter))]);
    const [current, previousTotals, lastYearTotals, previousThemes, lastYearThemes, previousKeuzes, lastYearKeuzes] = await Promise.all([
      this.evaluation.gather({ from: quarter.from, to: quarter.to }),
      this.statistics.measures(filter(previous), null),
      this.statistics.measures(filter(lastYear), null),
      this.statistics.measures(filter(previous), 'theme', themeGroups),
      this.statistics.measures(filter(lastYear), 'theme', themeGroups),
      this.statistics.measures(filter(previous), 'keuze', keuzeGroups),
      this.statistics.measures(filter(lastYear), 'keuze', keuzeGroups),
    ]);
    return {
      quarter,
      previous,
      lastYear,
      generatedAt: this.clock.now(),
      current,
      previousTotals: previousTotals.get('all') ?? emptyMeasures(),
      lastYearTotals: lastYearTotals.get('all') ?? emptyMeasures(),
      previousThemes,
      lastYearThemes,
      previousKeuzes,
      lastYearKeuzes,
    };
  }

  render(d: QuarterlyData): string {
    const n = (v: number | null | undefined) => formatNumber(v ?? null, '', 0);
    const days = (v: number | null) => formatNumber(v, '', 1);
    const pct = (v: number | null) => formatNumber(v, ' %');
    let tables = 0;
    const table = (caption: string, head: string[], rows: (string | Html)[][], numeric = (i: number) => i > 0): Html => {
      const id = `tabel-${++tables}`;
      return tableRegion(id, caption, html`<thead><tr>${head.map((h, i) => html`<th scope="col"${raw(numeric(i) ? ' class="n"' : '')}>${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((c, i) => (i === 0 ? html`<th scope="row">${c}</th>` : html`<td${raw(numeric(i) ? ' class="n"' : '')}>${c}</td>`))}</tr>`)}</tbody>`);
    };
    const change = (now: number, before: number): string => {
      if (before === 0) return now === 0 ? '0' : 'nieuw';
      const p = Math.round((100 * (now - before)) / before);
      return `${p > 0 ? '+' : ''}${formatNumber(p, ' %', 0)}`;
    };
    const t = d.current.totals;
    const periods = [d.quarter.label, d.previous.label, d.lastYear.label];
    const key = (m: MeasuresDto) => [n(m.received), n(m.open), n(m.answered + m.closed), n(m.referred), days(m.firstResponseDays.median), days(m.answerDays.median), pct(m.slaMetPct.answer), formatNumber(m.rating.mean, '', 1), n(m.articlesPublished)];
    const keyLabels = ['Ontvangen vragen', 'Nog open', 'Beantwoord of afgesloten', 'Doorverwezen', 'Eerste reactie, mediaan (werkdagen)', 'Antwoordtijd, mediaan (werkdagen)', 'Antwoord binnen de norm', 'Waardering (1–5)', 'Artikelen gepubliceerd'];
    const columns = [key(t), key(d.previousTotals), key(d.lastYearTotals)];
    const perGroup = (groups: EvaluationData['themes'], before: Map<string, MeasuresDto>, lastYear: Map<string, MeasuresDto>) =>
      groups.map((g) => {
        const p = before.get(g.key)?.received ?? 0;
        const l = lastYear.get(g.key)?.received ?? 0;
        return [g.label, n(g.received), n(p), change(g.received, p), n(l), change(g.received, l), days(g.answerDays.median)];
      });
    const groupHead = (first: string) => [first, d.quarter.label, d.previous.label, 'verschil', d.lastYear.label, 'verschil', 'Antwoordtijd, mediaan'];
    const body = html`
<header class="report-header">
  <div class="brand">Vraagbaak · Taskforce Water en Bodem Sturend</div>
  <h1>Kwartaaloverzicht ${d.quarter.label}</h1>
  <p class="period">${dutchDate(d.quarter.from)} t/m ${dutchDate(d.quarter.to)}, vergeleken met het vorige kwartaal en hetzelfde kwartaal een jaar eerder · vragen tellen mee in het kwartaal waarin ze zijn ingediend · gemaakt op ${dutchDate(amsterdamDay(d.generatedAt))}</p>
</header>
<section>
  <h2>Kerncijfers</h2>
  ${table('Kerncijfers per kwartaal', ['Cijfer', ...periods], keyLabels.map((label, i) => [label, ...columns.map((c) => c[i])]))}
</section>
<section>
  <h2>Per thema</h2>
  ${horizontalBarChart(
    `Ontvangen vragen per thema: ${periods.join(', ')}; de getallen staan in de tabel`,
    d.current.themes.map((g) => ({
      label: g.label,
      values: [g.received, d.previousThemes.get(g.key)?.received ?? 0, d.lastYearThemes.get(g.key)?.received ?? 0].map((v) => ({ value: v, text: n(v) })),
    })),
    { series: periods, integer: true },
  )}
  ${table("Ontvangen vragen per thema (een vraag over meerdere thema's telt bij elk)", groupHead('Thema'), perGroup(d.current.themes, d.previousThemes, d.lastYearThemes))}
</section>
<section class="page-break">
  <h2>Per structurerende keuze</h2>
  ${table('Ontvangen vragen per keuze (een vraag over meerdere keuzes telt bij elke)', groupHead('Keuze'), perGroup(d.current.keuzes, d.previousKeuzes, d.lastYearKeuzes))}
</section>
<section>
  <h2>Opvallende kennishiaten</h2>
  ${d.current.gaps.length === 0
    ? html`<p class="empty">Geen zoekopdrachten zonder resultaat in dit kwartaal.</p>`
    : table('Meest gezochte onderwerpen zonder resultaat in de kennisbank', ['Zoekopdracht', 'Thema', 'Aantal keer'], d.current.gaps.map((g) => [g.query, g.theme ?? '–', n(g.searches)]), (i) => i === 2)}
</section>
<section>
  <h2>Doorverwijzingen: signalen voor beleid</h2>
  <p>Vragen die elders thuishoren. Veel doorverwijzingen naar dezelfde organisatie kunnen wijzen op een onduidelijke taakverdeling.</p>
  ${d.current.referrals.length === 0
    ? html`<p class="empty">Geen doorverwijzingen in dit kwartaal.</p>`
    : table('Doorverwijzingen naar organisatie', ['Doorverwezen naar', 'Vragen'], d.current.referrals.map((r) => [r.to, n(r.count)]))}
</section>`;
    return reportDocument(
      `Kwartaaloverzicht ${d.quarter.label}`,
      body,
      `
  table { font-size: 9pt; }
  th, td { padding: .2rem .35rem; }
  svg.chart { max-width: 46rem; }`,
    );
  }
}
