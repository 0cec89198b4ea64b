import { Injectable } from '@nestjs/common';
import { Clock, amsterdamDay } from '../common/clock.js';
import { Database } from '../infra/database/database.service.js';
import { dutchDate, emptyMeasures, type MeasuresDto, type ResolvedFilter, type StatisticsQuery, StatisticsService } from '../statistics/index.js';
import { SqlParams } from '../infra/database/sql.js';
import { themeRows } from '../catalog/index.js';
import { readerSearchGaps } from '../knowledge/index.js';
import { questionRatingRows, questionRows } from '../questions/index.js';
import { html, raw, reportDocument, tableRegion } from './html.js';
import { horizontalBarChart } from './charts.js';
import { barChart, formatNumber, lineChart, shareBar } from './svg-charts.js';

type Html = ReturnType<typeof html>;
type Row = Record<string, unknown>;

interface Labeled extends MeasuresDto {
  key: string;
  label: string;
}

/** What the report shows, gathered with SQL aggregations of the statistics module. */
export interface EvaluationData {
  fromDay: string;
  toDay: string;
  generatedAt: Date;
  totals: MeasuresDto;
  months: Labeled[];
  themes: Labeled[];
  keuzes: Labeled[];
  ratings: { score: number; count: number }[];
  gaps: { query: string; searches: number; theme: string | null }[];
  referrals: { to: string; count: number }[];
}

/**
 * The printable evaluation report (Dutch, A4): key figures, trend per month, tables per theme and
 * keuze, SLA adherence, satisfaction, knowledge gaps and referrals, with inline SVG charts.
 */
@Injectable()
export class EvaluationReportService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly statistics: StatisticsService,
  ) {}

  /** Without dates: the last 12 months (the current month and the 11 before it). */
  defaultPeriod(query: StatisticsQuery): { from: string; to: string } {
    const today = amsterdamDay(this.clock.now());
    const to = query.to ?? (query.from && query.from > today ? query.from : today);
    if (query.from) return { from: query.from, to };
    const year = Number(to.slice(0, 4));
    const month = Number(to.slice(5, 7)) - 11;
    const y = year + Math.floor((month - 1) / 12);
    const m = ((((month - 1) % 12) + 12) % 12) + 1;
    return { from: `${y}-${String(m).padStart(2, '0')}-01`, to };
  }

  async gather(query: StatisticsQuery): Promise<EvaluationData> {
    const period = this.defaultPeriod(query);
    const filter = this.statistics.resolve({ ...query, ...period });
    const [monthGroups, themeGroups, keuzeGroups] = await Promise.all([
      this.statistics.groupsFor('month', filter),
      this.statistics.groupsFor('theme', filter),
      this.statistics.groupsFor('keuze', filter),
    ]);
    const [totals, months, themes, keuzes, ratings, gaps, referrals] = await Promise.all([
      this.statistics.measures(filter, null),
      this.statistics.measures(filter, 'month', monthGroups),
      this.statistics.measures(filter, 'theme', themeGroups),
      this.statistics.measures(filter, 'keuze', keuzeGroups),
      this.ratingDistribution(filter),
      this.knowledgeGaps(filter),
      this.referrals(filter),
    ]);
    const label = (groups: { key: string; label: string }[], map: Map<string, MeasuresDto>): Labeled[] =>
      groups.map((g) => ({ key: g.key, label: g.label, ...(map.get(g.key) ?? emptyMeasures()) }));
    return {
      fromDay: period.from,
      toDay: period.to,
      generatedAt: this.clock.now(),
      totals: totals.get('all')!,
      months: label(monthGroups, months),
      themes: label(themeGroups, themes),
      keuzes: label(keuzeGroups, keuzes),
      ratings,
      gaps,
      referrals,
    };
  }

  private async ratingDistribution(filter: ResolvedFilter): Promise<{ score: number; count: number }[]> {
    const p = new SqlParams(this.db.kind);
    const where = this.statistics.where(filter, p, { id: 'q.id', submitted: 'q.submitted_at', org: 'q.organisation_code' });
    const rows: Row[] = await this.db.reader.query(
      `SELECT r.score AS score, count(*) AS n FROM ${questionRatingRows()} r JOIN ${questionRows()} q ON q.id = r.question_id WHERE ${where.join(' AND ')} GROUP BY r.score`,
      p.values,
    );
    return [1, 2, 3, 4, 5].map((score) => ({ score, count: Number(rows.find((r) => Number(r.score) === score)?.n ?? 0) }));
  }

  /** Readers' searches of the knowledge base that found nothing, most frequent first. */
  private async knowledgeGaps(filter: ResolvedFilter): Promise<EvaluationData['gaps']> {
    const p = new SqlParams(this.db.kind);
    const rows: Row[] = await this.db.reader.query(
      `SELECT s.query_key AS query_key, max(s.query_text) AS query, count(*) AS n, max(t.title) AS theme
         FROM ${readerSearchGaps(p, filter)} s LEFT JOIN ${themeRows()} t ON t.id = s.gap_theme_id
        GROUP BY s.query_key ORDER BY n DESC, s.query_key ASC LIMIT 10`,
      p.values,
    );
    return rows.map((r) => ({ query: String(r.query ?? r.query_key), searches: Number(r.n), theme: r.theme ? String(r.theme) : null }));
  }

  private async referrals(filter: ResolvedFilter): Promise<{ to: string; count: number }[]> {
    const p = new SqlParams(this.db.kind);
    const where = this.statistics.where(filter, p, { id: 'q.id', submitted: 'q.submitted_at', org: 'q.organisation_code' });
    const rows: Row[] = await this.db.reader.query(
      `SELECT q.referred_to AS target, count(*) AS n FROM ${questionRows()} q WHERE ${where.join(' AND ')} AND q.status = 'referred' GROUP BY q.referred_to ORDER BY n DESC, q.referred_to ASC LIMIT 15`,
      p.values,
    );
    return rows.map((r) => ({ to: r.target === null ? 'onbekend' : String(r.target), count: Number(r.n) }));
  }

  // ---- rendering ----------------------------------------------------------------------------

  render(data: EvaluationData): string {
    const t = data.totals;
    const empty = t.received === 0;
    const days = (v: number | null) => formatNumber(v, '', 2);
    const pct = (v: number | null) => formatNumber(v, ' %');
    const noData = html`<p class="empty">Voor deze periode zijn er geen gegevens: er zijn geen vragen ingediend.</p>`;
    // Every table scrolls inside its own labelled, focusable region: the page itself never scrolls sideways.
    let tables = 0;
    const scroll = (caption: string, table: Html): Html => tableRegion(`tabel-${++tables}`, caption, table);
    const bars = (title: string, rows: { label: string; value: number }[]) =>
      horizontalBarChart(title, rows.map((r) => ({ label: r.label, values: [{ value: r.value, text: formatNumber(r.value) }] })), { integer: true });
    const measuresTable = (caption: string, rows: Labeled[], first: string): Html => scroll(caption, html`
<thead><tr><th scope="col">${first}</th><th scope="col" class="n">Ontvangen</th><th scope="col" class="n">Open</th><th scope="col" class="n">Doorverwezen</th><th scope="col" class="n">Eerste reactie (mediaan)</th><th scope="col" class="n">Antwoord (mediaan)</th><th scope="col" class="n">Antwoord p90</th><th scope="col" class="n">Binnen norm antwoord</th><th scope="col" class="n">Waardering</th></tr></thead>
<tbody>${rows.map(
      (r) => html`<tr${raw(r.received === 0 ? ' class="zero"' : '')}><th scope="row">${r.label}</th><td class="n">${formatNumber(r.received)}</td><td class="n">${formatNumber(r.open)}</td><td class="n">${formatNumber(r.referred)}</td><td class="n">${days(r.firstResponseDays.median)}</td><td class="n">${days(r.answerDays.median)}</td><td class="n">${days(r.answerDays.p90)}</td><td class="n">${pct(r.slaMetPct.answer)}</td><td class="n">${formatNumber(r.rating.mean, '', 2)}</td></tr>`,
    )}</tbody>`);
    const figure = (label: string, value: string, note = '') => html`<div class="figure"><div class="value">${value}</div><div class="label">${label}</div>${note ? html`<div class="note">${note}</div>` : ''}</div>`;
    const monthLabels = data.months.map((m) => m.label.replace(/^(\w{3})\w* (\d{4})$/, '$1 $2'));

    const body = html`
<header class="report-header">
  <div class="brand">Vraagbaak · Taskforce Water en Bodem Sturend</div>
  <h1>Evaluatierapport</h1>
  <p class="period">Periode: ${dutchDate(data.fromDay)} t/m ${dutchDate(data.toDay)} · vragen tellen mee in de periode waarin ze zijn ingediend · gemaakt op ${dutchDate(amsterdamDay(data.generatedAt))}</p>
</header>

<section>
  <h2>Kerncijfers</h2>
  ${empty
    ? noData
    : html`<div class="figures">
    ${figure('vragen ontvangen', formatNumber(t.received))}
    ${figure('nog open', formatNumber(t.open))}
    ${figure('beantwoord of gesloten', formatNumber(t.answered + t.closed))}
    ${figure('doorverwezen', formatNumber(t.referred))}
    ${figure('ingetrokken', formatNumber(t.withdrawn))}
    ${figure('eerste reactie, mediaan', `${days(t.firstResponseDays.median)} wd`, `p90: ${days(t.firstResponseDays.p90)} werkdagen`)}
    ${figure('antwoordtijd, mediaan', `${days(t.answerDays.median)} wd`, `p90: ${days(t.answerDays.p90)} werkdagen`)}
    ${figure('antwoord binnen de norm', pct(t.slaMetPct.answer), `eerste reactie: ${pct(t.slaMetPct.firstResponse)}`)}
    ${figure('heropend', pct(t.reopenRate), `${formatNumber(t.reopens)} heropeningen; antwoord daarna mediaan ${days(t.reopenAnswerDays.median)} wd`)}
    ${figure('waardering', t.rating.mean === null ? '–' : `${formatNumber(t.rating.mean, '', 2)} / 5`, `${formatNumber(t.rating.count)} beoordelingen (${pct(t.rating.responseRate)})`)}
    ${figure('artikelen gepubliceerd', formatNumber(t.articlesPublished), `${formatNumber(t.articleReuse)} keer hergebruikt in antwoorden`)}
  </div>
  <p class="muted">wd = werkdagen: kantooruren 09:00–17:00 (Europe/Amsterdam) op werkdagen, zonder weekenden, feestdagen en sluitingsdagen; 8 kantooruren = 1 werkdag. Wachttijd op de vraagsteller telt niet mee in de antwoordtijd. Mediaan en p90 volgens de nearest-rank-methode.</p>`}
</section>

<section>
  <h2>Verloop per maand</h2>
  ${empty
    ? noData
    : html`${barChart('Ontvangen vragen per maand', data.months.map((m, i) => ({ label: monthLabels[i], value: m.received })), { integer: true })}
  ${lineChart('Mediaan eerste reactie en antwoord per maand (werkdagen)', monthLabels, [
    { name: 'Eerste reactie (mediaan)', values: data.months.map((m) => m.firstResponseDays.median) },
    { name: 'Antwoord (mediaan)', values: data.months.map((m) => m.answerDays.median) },
  ])}`}
</section>

<section>
  <h2>Naleving van de servicenormen</h2>
  ${empty
    ? noData
    : html`<p>Van de klokken met een oordeel haalde ${pct(t.slaMetPct.firstResponse)} de norm voor de eerste reactie en ${pct(t.slaMetPct.answer)} de norm voor het antwoord${t.slaMetPct.reopenAnswer === null ? '' : html` (na heropening: ${pct(t.slaMetPct.reopenAnswer)})`}.</p>
  ${lineChart('Percentage binnen de norm per maand', monthLabels, [
    { name: 'Eerste reactie', values: data.months.map((m) => m.slaMetPct.firstResponse) },
    { name: 'Antwoord', values: data.months.map((m) => m.slaMetPct.answer) },
  ], { suffix: ' %', fixedMax: 100 })}`}
</section>

<section class="page-break">
  <h2>Per thema</h2>
  ${empty
    ? noData
    : html`${bars('Ontvangen vragen per thema', data.themes.map((r) => ({ label: r.label, value: r.received })))}
  ${measuresTable("Cijfers per thema (een vraag over meerdere thema's telt bij elk thema)", data.themes, 'Thema')}`}
</section>

<section class="page-break">
  <h2>Per structurerende keuze</h2>
  ${empty ? noData : measuresTable('Cijfers per keuze (een vraag over meerdere keuzes telt bij elke keuze)', data.keuzes, 'Keuze')}
</section>

<section>
  <h2>Tevredenheid</h2>
  ${empty || t.rating.count === 0
    ? html`<p class="empty">Voor deze periode zijn er geen gegevens: er zijn geen antwoorden beoordeeld.</p>`
    : html`<p>Gemiddelde waardering ${formatNumber(t.rating.mean, '', 2)} uit 5, op basis van ${formatNumber(t.rating.count)} beoordelingen (respons ${pct(t.rating.responseRate)} van de beantwoorde vragen).</p>
  ${shareBar('Verdeling van de waarderingen', data.ratings.map((r) => ({ label: `${r.score} ${r.score === 1 ? 'ster' : 'sterren'}`, value: r.count })))}`}
</section>

<section>
  <h2>Kennisleemtes</h2>
  ${data.gaps.length === 0
    ? html`<p class="empty">Voor deze periode zijn er geen gegevens: er zijn geen zoekopdrachten zonder resultaat geregistreerd.</p>`
    : scroll('Meest gezochte onderwerpen zonder resultaat in de kennisbank', html`
<thead><tr><th scope="col">Zoekopdracht</th><th scope="col">Thema</th><th scope="col" class="n">Aantal keer</th></tr></thead>
<tbody>${data.gaps.map((g) => html`<tr><td>${g.query}</td><td>${g.theme ?? '–'}</td><td class="n">${formatNumber(g.searches)}</td></tr>`)}</tbody>`)}
</section>

<section>
  <h2>Doorverwijzingen</h2>
  ${data.referrals.length === 0
    ? html`<p class="empty">Voor deze periode zijn er geen gegevens: er zijn geen vragen doorverwezen.</p>`
    : html`${bars('Doorverwezen vragen naar organisatie', data.referrals.map((r) => ({ label: r.to, value: r.count })))}
  ${scroll('Doorverwijzingen naar organisatie', html`
<thead><tr><th scope="col">Doorverwezen naar</th><th scope="col" class="n">Vragen</th></tr></thead>
<tbody>${data.referrals.map((r) => html`<tr><td>${r.to}</td><td class="n">${formatNumber(r.count)}</td></tr>`)}</tbody>`)}`}
</section>`;

    return reportDocument(
      `Evaluatierapport ${dutchDate(data.fromDay)} – ${dutchDate(data.toDay)}`,
      body,
      `
  .muted { color: #545454; font-size: 9pt; }
  .figures { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: .5rem; }
  .figure { border: 1px solid #d0d7e2; border-radius: 4px; padding: .45rem .55rem; break-inside: avoid; }
  .figure .value { font-size: 16pt; font-weight: 600; color: #154273; }
  .figure .label { font-size: 9pt; }
  .figure .note { font-size: 8pt; color: #545454; }
  table { font-size: 8.5pt; margin: .6rem 0; }
  th, td { padding: .18rem .3rem; }
  /* Groups without questions: muted, still 7:1 on white (WCAG 1.4.3). */
  tr.zero { color: #545454; }
  a { color: #154273; }
  svg.chart { max-height: 75mm; }
  section { break-inside: avoid-page; }
  @media (max-width: 40rem) { .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); } }`,
    );
  }
}

