import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal } from '../accounts/index.js';
import { Roles } from '../common/access.js';
import { Clock, amsterdamDay, shiftDay } from '../common/clock.js';
import { InvalidInputError } from '../common/domain-errors.js';
import { validateForm } from '../infra/http/forms.js';
import { ArticleQuery, GapQuery, KnowledgeSearchService } from '../knowledge/index.js';
import { NotificationsService } from '../notifications/index.js';
import { horizontalBarChart } from '../reports/index.js';
import { BreakdownQuery, StatisticsService, quarterOfDay, type MeasuresDto } from '../statistics/index.js';
import { dutchDate } from './page-format.js';
import { fieldErrors, pageErrors, type PageField } from './page-form.js';

const nl = (value: number | null | undefined, decimals = 1, suffix = '') =>
  value === null || value === undefined ? '–' : `${new Intl.NumberFormat('nl-NL', { maximumFractionDigits: decimals }).format(value)}${suffix}`;

/** The breakdowns the explorer offers, as the form names them. */
const DIMENSIONS = [
  { value: 'theme', label: 'Thema' },
  { value: 'keuze', label: 'Keuze' },
  { value: 'organisationType', label: 'Soort organisatie' },
  { value: 'province', label: 'Provincie' },
  { value: 'month', label: 'Maand' },
  { value: 'quarter', label: 'Kwartaal' },
  { value: 'expert', label: 'Expert' },
];

const STATUS_TEXT: Record<string, string> = {
  submitted: 'Ingediend',
  triage: 'Bij de coördinator',
  assigned: 'Toegewezen',
  in_progress: 'In behandeling',
  awaiting_requester: 'Wacht op vraagsteller',
  open: 'Alle open vragen',
};

/** The explorer's fields: the API's names (so one query string serves page, download and report), their labels and inputs. */
const FILTER_FIELDS: Record<string, PageField> = {
  from: { label: 'Vanaf', id: 'from' },
  to: { label: 'Tot en met', id: 'to' },
  keuzeId: { label: 'Keuze', id: 'keuzeId' },
  themeId: { label: 'Thema', id: 'themeId' },
  organisationType: { label: 'Soort organisatie', id: 'organisationType' },
  provinceCode: { label: 'Provincie', id: 'provinceCode' },
  by: { label: 'Uitsplitsen naar', id: 'by' },
};

/** The key figures the start page compares, each as text. */
function keyFigures(m: MeasuresDto): Record<string, string> {
  return {
    received: nl(m.received, 0),
    open: nl(m.open, 0),
    answered: nl(m.answered + m.closed, 0),
    slaMet: nl(m.slaMetPct.answer, 1, ' %'),
    firstResponse: nl(m.firstResponseDays.median, 1),
    answerDays: nl(m.answerDays.median, 1),
    rating: m.rating.mean === null ? '–' : `${nl(m.rating.mean, 1)} (${nl(m.rating.count, 0)}×)`,
  };
}

const KEY_FIGURE_ROWS: { key: string; label: string }[] = [
  { key: 'received', label: 'Ontvangen vragen' },
  { key: 'open', label: 'Daarvan nog open' },
  { key: 'answered', label: 'Beantwoord of afgesloten' },
  { key: 'slaMet', label: 'Antwoord binnen de norm' },
  { key: 'firstResponse', label: 'Eerste reactie, mediaan (werkdagen)' },
  { key: 'answerDays', label: 'Antwoordtijd, mediaan (werkdagen)' },
  { key: 'rating', label: 'Tevredenheid, gemiddeld (1–5)' },
];

/**
 * The secretariat's console: `/secretariaat` (the start of their day) and
 * `/secretariaat/statistieken` (the statistics explorer). Thin pages over the statistics,
 * knowledge and notification services; the downloads are the statistics API's export, so a
 * downloaded file has exactly the API's figures.
 */
@ApiExcludeController()
@Controller('secretariaat')
export class SecretariatPagesController {
  constructor(
    private readonly statistics: StatisticsService,
    private readonly search: KnowledgeSearchService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('secretariat')
  async start(@CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    const today = amsterdamDay(this.clock.now());
    const current = quarterOfDay(today);
    const previous = quarterOfDay(today, 1);
    const [now, before, backlog, review, gaps, failed] = await Promise.all([
      this.statistics.overview({ from: current.from, to: current.to }),
      this.statistics.overview({ from: previous.from, to: previous.to }),
      this.statistics.backlog({}),
      this.search.search(Object.assign(new ArticleQuery(), { status: 'in_review', page: 1, pageSize: 10 }), principal),
      this.search.gaps(Object.assign(new GapQuery(), { page: 1, pageSize: 5 })),
      this.notifications.failedMails(5),
    ]);
    const a = keyFigures(now);
    const b = keyFigures(before);
    reply.header('Cache-Control', 'no-store');
    await reply.view('secretariaat.njk', {
      current: current.label,
      previous: previous.label,
      figures: KEY_FIGURE_ROWS.map((r) => ({ label: r.label, current: a[r.key], previous: b[r.key] })),
      statisticsHref: `/secretariaat/statistieken?from=${current.from}&to=${current.to}&by=theme`,
      backlog: {
        buckets: ['0–2', '3–5', '6–10', 'meer dan 10'],
        rows: [...backlog.byStatus, backlog.total].map((r) => ({ status: STATUS_TEXT[r.status] ?? r.status, total: nl(r.total, 0), ages: backlog.buckets.map((bucket) => nl(r.ages[bucket as keyof typeof r.ages], 0)) })),
      },
      review: { total: review.page.total, articles: review.data.map((x) => ({ title: x.title, href: `/artikelen/${x.id}` })) },
      gaps: { total: gaps.page.total, rows: gaps.data.map((g) => ({ query: g.query, searches: nl(g.searches, 0), zero: nl(g.zeroResultSearches, 0), unclicked: nl(g.unclickedSearches, 0) })) },
      failed: {
        total: failed.total,
        rows: failed.data.map((f) => ({ subject: f.subject, to: f.recipientEmail, attempts: f.attempts, error: f.lastError ?? '', created: dutchDate(f.createdAt) })),
      },
    });
  }

  @Get('statistieken')
  @Roles('secretariat')
  async explorer(@Query() raw: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const today = amsterdamDay(this.clock.now());
    const text = (name: string) => (typeof raw[name] === 'string' ? (raw[name] as string).trim() : '');
    const values: Record<string, string> = {};
    for (const name of Object.keys(FILTER_FIELDS)) values[name] = text(name);
    // Without a period: the last 12 months, as the evaluation report.
    if (!values.from && !values.to) {
      values.from = `${shiftDay(today, -365).slice(0, 7)}-01`;
      values.to = today;
    }
    values.by ||= 'theme';
    const filter = await this.options();
    reply.header('Cache-Control', 'no-store');
    let query: BreakdownQuery;
    try {
      query = await validateForm(BreakdownQuery, Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')), Object.fromEntries(Object.entries(FILTER_FIELDS).map(([k, f]) => [k, f.label])));
      const result = await this.statistics.breakdown(query);
      const search = new URLSearchParams(Object.entries(values).filter(([k, v]) => v !== '' && k !== 'by'));
      const withBy = new URLSearchParams(search);
      withBy.set('by', query.by);
      const dimension = DIMENSIONS.find((d) => d.value === query.by)!;
      const groups = result.groups.map((g) => ({ label: g.label, ...rowOf(g) }));
      await reply.view('secretariaat-statistieken.njk', {
        values,
        filter,
        errors: [],
        fieldErrors: {},
        dimension: dimension.label,
        period: `${values.from ? dutchDate(values.from) : 'het begin'} t/m ${values.to ? dutchDate(values.to) : 'vandaag'}`,
        groups,
        totals: { label: 'Totaal (elke vraag één keer)', ...rowOf(result.totals) },
        note: result.totals.note,
        chart: horizontalBarChart(
          `Ontvangen vragen per ${dimension.label.toLowerCase()}; de getallen staan in de tabel`,
          result.groups.map((g) => ({ label: g.label, values: [{ value: g.received, text: nl(g.received, 0) }] })),
          { integer: true },
        ).toString(),
        csvHref: `/api/v1/statistics/export?${withBy}&format=csv`,
        jsonHref: `/api/v1/statistics/export?${withBy}&format=json`,
        reportHref: `/reports/evaluation?${search}`,
      });
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      const errors = pageErrors(error, FILTER_FIELDS);
      reply.code(400);
      await reply.view('secretariaat-statistieken.njk', { values, filter, errors, fieldErrors: fieldErrors(errors), groups: null });
    }
  }

  /** The choices of the explorer's filters, from the statistics' own group lists. */
  private async options() {
    const none = this.statistics.resolve({});
    const [keuzes, themes, types, provinces] = await Promise.all([
      this.statistics.groupsFor('keuze', none),
      this.statistics.groupsFor('theme', none),
      this.statistics.groupsFor('organisationType', none),
      this.statistics.groupsFor('province', none),
    ]);
    return { keuzes, themes, types, provinces, dimensions: DIMENSIONS };
  }
}

function rowOf(m: MeasuresDto) {
  return {
    received: nl(m.received, 0),
    open: nl(m.open, 0),
    answered: nl(m.answered + m.closed, 0),
    referred: nl(m.referred, 0),
    firstResponse: nl(m.firstResponseDays.median, 1),
    answerDays: nl(m.answerDays.median, 1),
    slaMet: nl(m.slaMetPct.answer, 1, ' %'),
    rating: nl(m.rating.mean, 1),
  };
}
