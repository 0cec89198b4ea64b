import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, CurrentPrincipal, displayNames, userIdsMatching, type Principal } from '../accounts/index.js';
import { AuditQuery, AuditService, type AuditActor, type AuditEventDto } from '../audit/index.js';
import { CatalogService } from '../catalog/index.js';
import { Roles } from '../common/access.js';
import { amsterdamMidnight, shiftDay } from '../common/clock.js';
import { InvalidInputError } from '../common/domain-errors.js';
import { Database } from '../infra/database/database.service.js';
import { validateForm } from '../infra/http/forms.js';
import { CreateArticleDto, GapQuery, KnowledgeSearchService, KnowledgeService } from '../knowledge/index.js';
import { NotificationsService } from '../notifications/index.js';
import { toCsv } from '../statistics/index.js';
import { catalogView, dutchDate } from './page-format.js';
import { fieldErrors, pageErrors, textOf, type PageError } from './page-form.js';

const DATE_TIME = new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', dateStyle: 'medium', timeStyle: 'medium' });
const AUDIT_SHOWN = 100;
/** Most rows an audit CSV holds (a year of a busy taskforce); narrow the filters for more. */
const AUDIT_CSV_MAX = 10_000;
const AUDIT_FIELDS = {
  action: { label: 'Handeling', id: 'action' },
  objectType: { label: 'Soort object', id: 'objectType' },
  objectId: { label: 'Object', id: 'objectId' },
  actor: { label: 'Door', id: 'actor' },
  result: { label: 'Uitkomst', id: 'result' },
  from: { label: 'Vanaf', id: 'from' },
  to: { label: 'Tot en met', id: 'to' },
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESULT_TEXT: Record<string, string> = { success: 'gelukt', failure: 'mislukt', denied: 'geweigerd' };

/** The list of repeated form values. */
function listOf(body: Record<string, unknown> | undefined, name: string): string[] {
  const value = body?.[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string');
}

/**
 * The secretariat's tools: `/secretariaat/mails` (mails that failed for good; re-queue them as
 * `cli mail:retry` does), `/secretariaat/kennishiaten` (searches that found nothing or that nobody
 * opened, with "Schrijf een artikel" making a draft for the editor) and `/secretariaat/audit`
 * (the audit trail with filters and a CSV export). Thin pages over the owners' services.
 */
@ApiExcludeController()
@Controller('secretariaat')
export class SecretariatToolsController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly search: KnowledgeSearchService,
    private readonly articles: KnowledgeService,
    private readonly catalog: CatalogService,
    private readonly audit: AuditService,
    private readonly db: Database,
  ) {}

  // ---- mails ----------------------------------------------------------------------------------

  @Get('mails')
  @Roles('secretariat')
  async mails(@Query('opnieuw') requeued: unknown, @Res() reply: FastifyReply): Promise<void> {
    const failed = await this.notifications.failedMails(100);
    reply.header('Cache-Control', 'no-store');
    await reply.view('secretariaat-mails.njk', {
      flash: typeof requeued === 'string' && /^\d{1,6}$/.test(requeued) ? `${requeued} mail${requeued === '1' ? '' : 's'} opnieuw klaargezet om te versturen.` : null,
      total: failed.total,
      mails: failed.data.map((f) => ({ id: f.id, subject: f.subject, to: f.recipientEmail, template: f.template, attempts: f.attempts, error: f.lastError ?? '', created: DATE_TIME.format(f.createdAt) })),
    });
  }

  @Post('mails/opnieuw')
  @Roles('secretariat')
  @HttpCode(200)
  async retry(@Body() body: Record<string, unknown> | undefined, @Res() reply: FastifyReply): Promise<void> {
    const ids = listOf(body, 'id');
    if (ids.some((id) => !/^[0-9a-f-]{36}$/i.test(id))) throw new InvalidInputError([{ name: 'id', reason: 'is geen mail uit de lijst' }]);
    const requeued = await this.notifications.retryFailed(ids.length ? ids : undefined);
    reply.redirect(`/secretariaat/mails?opnieuw=${requeued.length}`, 303);
  }

  // ---- knowledge gaps -------------------------------------------------------------------------

  @Get('kennishiaten')
  @Roles('secretariat')
  async gaps(@Query() raw: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    await this.renderGaps(reply, raw, []);
  }

  /** "Schrijf een artikel": a draft titled after the search, under the chosen keuze, opened in the editor. */
  @Post('kennishiaten/artikel')
  @Roles('secretariat')
  @HttpCode(200)
  async write(@Body() body: Record<string, unknown> | undefined, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const q = textOf(body, 'q').trim().slice(0, 200);
    const keuze = textOf(body, 'keuzeId');
    const title = q ? q.charAt(0).toUpperCase() + q.slice(1) : '';
    const input = await validateForm(
      CreateArticleDto,
      { title, question: `Lezers zochten in de kennisbank op: "${q}". Welke vraag hebben zij?`, answer: 'Nog te schrijven.', keuzeIds: [Number(keuze)] },
      { title: 'Zoekopdracht', keuzeIds: 'Keuze' },
    );
    const draft = await this.articles.create(input, principal, actor);
    reply.redirect(`/artikelen/${draft.id}/bewerken`, 303);
  }

  private async renderGaps(reply: FastifyReply, raw: Record<string, unknown>, errors: PageError[]): Promise<void> {
    const values = { from: textOf(raw, 'from').trim(), to: textOf(raw, 'to').trim(), themeId: textOf(raw, 'themeId').trim() };
    const catalog = await catalogView(this.catalog);
    let rows: { query: string; theme: string; searches: number; zero: number; unclicked: number; partial: number; last: string | null; keuzes: { id: number; label: string }[]; keuze: number }[] = [];
    let total = 0;
    try {
      const query = await validateForm(GapQuery, { ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')), page: 1, pageSize: 50 }, { from: 'Vanaf', to: 'Tot en met', themeId: 'Thema' });
      const gaps = await this.search.gaps(query);
      total = gaps.page.total;
      const keuzes = catalog.themes.flatMap((t) => t.keuzes.map((k) => ({ id: k.id, theme: t.id, label: `${k.id}. ${k.title}` })));
      rows = gaps.data.map((g) => ({
        query: g.query,
        theme: g.themeId === null ? 'onbekend' : catalog.theme(g.themeId),
        searches: g.searches,
        zero: g.zeroResultSearches,
        unclicked: g.unclickedSearches,
        partial: g.partialMatchSearches,
        last: dutchDate(g.lastSearchedAt),
        keuzes,
        keuze: keuzes.find((k) => k.theme === g.themeId)?.id ?? 1,
      }));
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      errors = pageErrors(error, { from: { label: 'Vanaf', id: 'from' }, to: { label: 'Tot en met', id: 'to' }, themeId: { label: 'Thema', id: 'themeId' } });
      reply.code(400);
    }
    reply.header('Cache-Control', 'no-store');
    await reply.view('secretariaat-kennishiaten.njk', { values, errors, fieldErrors: fieldErrors(errors), themes: catalog.themes, rows, total });
  }

  // ---- audit ----------------------------------------------------------------------------------

  @Get('audit')
  @Roles('secretariat')
  async auditPage(@Query() raw: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const values = Object.fromEntries(Object.keys(AUDIT_FIELDS).map((k) => [k, textOf(raw, k).trim()]));
    reply.header('Cache-Control', 'no-store');
    try {
      const [query, actorIds] = await this.auditQuery(values, 1, AUDIT_SHOWN);
      const page = await this.audit.list(query, actorIds);
      const names = await this.actorNames(page.data);
      const search = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== ''));
      await reply.view('secretariaat-audit.njk', {
        values,
        errors: [],
        fieldErrors: {},
        total: page.page.total,
        actorUnknown: actorIds?.length === 0,
        events: page.data.map((e) => auditRow(e, names)),
        csvHref: `/secretariaat/audit.csv${search.size ? `?${search}` : ''}`,
      });
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      const errors = pageErrors(error, AUDIT_FIELDS);
      reply.code(400);
      await reply.view('secretariaat-audit.njk', { values, errors, fieldErrors: fieldErrors(errors), events: null });
    }
  }

  @Get('audit.csv')
  @Roles('secretariat')
  async auditCsv(@Query() raw: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const values = Object.fromEntries(Object.keys(AUDIT_FIELDS).map((k) => [k, textOf(raw, k).trim()]));
    const events: AuditEventDto[] = [];
    // The filters (and the users "Door" names) are resolved once; only the page moves.
    const [query, actorIds] = await this.auditQuery(values, 1, 100);
    for (; events.length < AUDIT_CSV_MAX; query.page++) {
      const result = await this.audit.list(query, actorIds);
      events.push(...result.data);
      if (result.data.length < 100) break;
    }
    const names = await this.actorNames(events);
    const rows = events.map((e) => {
      const r = auditRow(e, names);
      return [e.occurredAt, r.actor, e.actorId, e.action, e.objectType, e.objectId, r.result, e.ip, r.details];
    });
    reply
      .header('Cache-Control', 'no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="vraagbaak-audit.csv"')
      .send(toCsv(['Tijdstip (UTC)', 'Door', 'Gebruikerscode', 'Handeling', 'Soort object', 'Object', 'Uitkomst', 'IP-adres', 'Details'], rows));
  }

  /**
   * The filters as the audit API takes them: days become Amsterdam midnights (`to` inclusive);
   * "Door" is a user code, or else part of a name or mail address, which becomes the matching users.
   */
  private async auditQuery(values: Record<string, string>, page: number, pageSize: number): Promise<[AuditQuery, string[] | undefined]> {
    const day = (name: string) => {
      const v = values[name];
      if (!v) return undefined;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new InvalidInputError([{ name, reason: 'moet een datum zijn (JJJJ-MM-DD)' }]);
      return amsterdamMidnight(name === 'to' ? shiftDay(v, 1) : v).toISOString();
    };
    const fields: Record<string, unknown> = { page, pageSize, from: day('from'), to: day('to') };
    for (const name of ['action', 'objectType', 'objectId', 'result']) if (values[name]) fields[name] = values[name];
    const actor = values.actor;
    if (actor.length > 254) throw new InvalidInputError([{ name: 'actor', reason: 'mag hoogstens 254 tekens zijn' }]);
    const byCode = UUID.test(actor);
    if (byCode) fields.actorId = actor.toLowerCase();
    const actorIds = actor && !byCode ? await userIdsMatching(this.db.reader, actor) : undefined;
    const query = await validateForm(AuditQuery, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)), Object.fromEntries(Object.entries(AUDIT_FIELDS).map(([k, f]) => [k, f.label])));
    return [query, actorIds];
  }

  private actorNames(events: AuditEventDto[]): Promise<Map<string, string>> {
    const ids = [...new Set(events.map((e) => e.actorId).filter((id): id is string => id !== null))];
    return ids.length ? displayNames(this.db.reader, ids) : Promise.resolve(new Map());
  }
}

function auditRow(e: AuditEventDto, names: Map<string, string>) {
  return {
    when: DATE_TIME.format(new Date(e.occurredAt)),
    actor: e.actorId ? (names.get(e.actorId) ?? e.actorId) : 'systeem',
    action: e.action,
    object: `${e.objectType}${e.objectId ? ` ${e.objectId}` : ''}`,
    result: RESULT_TEXT[e.result] ?? e.result,
    details: e.details ? JSON.stringify(e.details) : '',
    // On the page one "key: value" line per detail, which reads (and wraps) better than JSON.
    detailLines: Object.entries(e.details ?? {})
      .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join('\n'),
  };
}
