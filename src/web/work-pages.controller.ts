import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../common/access.js';
import { Clock } from '../common/clock.js';
import { CurrentPrincipal, type Principal } from '../accounts/index.js';
import { WorkingCalendar } from '../calendar/index.js';
import { CatalogService } from '../catalog/index.js';
import { InboundStore } from '../inbound/index.js';
import { organisationFacts } from '../organisations/index.js';
import { STATUS_TEXT, QuestionWork, dutchDateTime, type TriageReason, type WorkFilter, type WorkGroup, type WorkItem } from '../questions/index.js';
import { SlaService, type RunningClock } from '../sla/index.js';
import { Database } from '../infra/database/database.service.js';
import { catalogView, type CatalogView } from './page-format.js';
import { type PageError, fieldErrors } from './page-form.js';
import { ORGANISATION_TYPE_TEXT, PRIORITY_TEXT, slaView } from './work-format.js';

/** The groups of /werkvoorraad as the page and its address name them. */
const GROUPS: { slug: string; group: WorkGroup; label: string; empty: string }[] = [
  { slug: 'nieuw', group: 'new', label: 'Nieuw: te accepteren', empty: 'Geen nieuwe vragen.' },
  { slug: 'in-behandeling', group: 'in_progress', label: 'In behandeling', empty: 'Geen vragen in behandeling.' },
  { slug: 'wacht', group: 'waiting', label: 'Wacht op de vraagsteller', empty: 'Geen vragen die op de vraagsteller wachten.' },
  { slug: 'beantwoord', group: 'answered', label: 'Onlangs beantwoord', empty: 'Geen vragen beantwoord in de laatste twee weken.' },
];
const REASONS: { slug: string; reason: TriageReason; label: string }[] = [
  { slug: 'niet-te-routeren', reason: 'unroutable', label: 'Geen passende expert gevonden' },
  { slug: 'overdracht', reason: 'handover', label: 'Overdracht nodig: expert afwezig of gedeactiveerd' },
  { slug: 'niet-geaccepteerd', reason: 'not_accepted', label: 'Niet geaccepteerd na de herinnering' },
  { slug: 'termijn', reason: 'clock', label: 'Termijn in gevaar of overschreden' },
];
const SORTS = [
  { value: 'termijn', label: 'Termijn: eerst wat het snelst verloopt' },
  { value: 'oudste', label: 'Oudste eerst' },
  { value: 'nieuwste', label: 'Nieuwste eerst' },
  { value: 'prioriteit', label: 'Spoed eerst' },
];
const PRIORITIES = [
  { value: 'normaal', priority: 'normal', label: 'Normaal' },
  { value: 'spoed', priority: 'urgent', label: 'Spoed' },
] as const;

/** At most this many replies by e-mail on /triage (newest first); the API lists more. */
const TRIAGE_MAILS = 50;

/** The filter form's values as typed (strings of the address). */
interface Typed {
  groep?: string;
  reden?: string;
  prioriteit?: string;
  keuze?: string;
  sorteer?: string;
}

/**
 * The taskforce's work lists: `/werkvoorraad` (an expert's own questions by group) and `/triage`
 * (what needs a coordinator). GET forms filter and sort, so they work without JavaScript; each
 * question links to its page, where the actions are.
 */
@ApiExcludeController()
@Controller()
export class WorkPagesController {
  constructor(
    private readonly work: QuestionWork,
    private readonly sla: SlaService,
    private readonly catalog: CatalogService,
    private readonly calendar: WorkingCalendar,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly inbound: InboundStore,
  ) {}

  @Get('werkvoorraad')
  @Roles('expert')
  async workQueue(@Query() query: Typed, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    const { filter, sort, errors } = this.filterOf(query, 'groep');
    const catalog = await catalogView(this.catalog);
    const items = errors.length ? [] : await this.work.expertWork(principal, filter);
    const rows = await this.rows(principal, items, catalog, sort);
    const groups = GROUPS.filter((g) => !filter.group || g.group === filter.group).map((g) => ({ ...g, items: rows.filter((r) => r.group === g.group) }));
    reply.header('Cache-Control', 'no-store');
    if (errors.length) reply.status(400);
    await reply.view('werkvoorraad.njk', { groups, total: rows.length, form: this.form(query, catalog, 'groep'), errors, fieldErrors: fieldErrors(errors) });
  }

  @Get('triage')
  @Roles('coordinator')
  async triage(@Query() query: Typed, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    const { filter, sort, reason, errors } = this.filterOf(query, 'reden');
    const catalog = await catalogView(this.catalog);
    const listed = errors.length ? [] : await this.work.triage(principal, await this.sla.atRisk(principal), { ...filter, reason });
    const why = new Map(listed.map((l) => [l.item.id, l.reasons]));
    const rows = (await this.rows(principal, listed.map((l) => l.item), catalog, sort)).map((r) => ({
      ...r,
      reasons: (why.get(r.id) ?? []).map((x) => REASONS.find((d) => d.reason === x)!.label),
      showStatus: true,
      showAssignee: true,
    }));
    // Replies by e-mail that could not be posted: not filtered by the form, which is about questions.
    const mails = (await this.inbound.triage(TRIAGE_MAILS)).map((m) => ({
      ...m,
      receivedAt: dutchDateTime(m.receivedAt),
      receivedAtIso: m.receivedAt.toISOString(),
      originalUrl: `/api/v1/inbound-mail/messages/${m.id}/original`,
    }));
    reply.header('Cache-Control', 'no-store');
    if (errors.length) reply.status(400);
    await reply.view('triage.njk', { rows, total: rows.length, mails, form: this.form(query, catalog, 'reden'), errors, fieldErrors: fieldErrors(errors) });
  }

  /** The filter of the address; a value the form does not offer is a 400 with the form kept. */
  private filterOf(query: Typed, groupField: 'groep' | 'reden'): { filter: WorkFilter; reason?: TriageReason; sort: string; errors: PageError[] } {
    const errors: PageError[] = [];
    const text = (name: keyof Typed) => (typeof query[name] === 'string' ? (query[name] as string) : '');
    const filter: WorkFilter = {};
    let reason: TriageReason | undefined;
    const group = text(groupField);
    if (group && groupField === 'groep') {
      const found = GROUPS.find((g) => g.slug === group);
      if (found) filter.group = found.group;
      else errors.push({ name: 'groep', id: 'groep', label: 'Soort', reason: 'kies een soort uit de lijst' });
    }
    if (group && groupField === 'reden') {
      const found = REASONS.find((g) => g.slug === group);
      if (found) reason = found.reason;
      else errors.push({ name: 'reden', id: 'reden', label: 'Reden', reason: 'kies een reden uit de lijst' });
    }
    const priority = text('prioriteit');
    if (priority) {
      const found = PRIORITIES.find((p) => p.value === priority);
      if (found) filter.priority = found.priority;
      else errors.push({ name: 'prioriteit', id: 'prioriteit', label: 'Prioriteit', reason: 'kies normaal of spoed' });
    }
    const keuze = text('keuze');
    if (keuze) {
      if (/^\d{1,4}$/.test(keuze) && Number(keuze) >= 1) filter.keuzeId = Number(keuze);
      else errors.push({ name: 'keuze', id: 'keuze', label: 'Keuze', reason: 'kies een keuze uit de lijst' });
    }
    const sort = text('sorteer') || 'termijn';
    if (!SORTS.some((s) => s.value === sort)) errors.push({ name: 'sorteer', id: 'sorteer', label: 'Sorteren', reason: 'kies een volgorde uit de lijst' });
    return { filter, reason, sort, errors };
  }

  /** The filter form: its options with the typed value selected (also when refused). */
  private form(query: Typed, catalog: CatalogView, groupField: 'groep' | 'reden') {
    const value = (name: keyof Typed) => (typeof query[name] === 'string' ? (query[name] as string) : '');
    return {
      groupField,
      groups: (groupField === 'groep' ? GROUPS.map((g) => ({ value: g.slug, label: g.label })) : REASONS.map((r) => ({ value: r.slug, label: r.label }))),
      priorities: PRIORITIES.map((p) => ({ value: p.value, label: p.label })),
      keuzes: catalog.themes.flatMap((t) => t.keuzes.map((k) => ({ value: String(k.id), label: `${k.id}. ${k.title}` }))),
      sorts: SORTS,
      values: { group: value(groupField), prioriteit: value('prioriteit'), keuze: value('keuze'), sorteer: value('sorteer') || 'termijn' },
    };
  }

  /** The questions as the lists show them, with their clocks in words, sorted. */
  private async rows(principal: Principal, items: WorkItem[], catalog: CatalogView, sort: string) {
    const [clocks, organisations] = await Promise.all([
      this.sla.runningClocks(principal, items.map((i) => i.id)),
      Promise.all([...new Set(items.map((i) => i.organisationCode))].map((code) => organisationFacts(this.db.manager, code))),
    ]);
    const orgType = new Map(organisations.filter((o) => o !== null).map((o) => [o!.code, o!.type]));
    const now = this.clock.now();
    const rows = items.map((i) => ({
      id: i.id,
      href: `/vragen/${i.id}`,
      reference: i.reference,
      title: i.title,
      group: groupOf(i),
      status: STATUS_TEXT[i.status],
      priority: PRIORITY_TEXT[i.priority],
      urgent: i.priority === 'urgent',
      keuzes: i.keuzeIds.map((k) => catalog.keuze(k)),
      organisationType: ORGANISATION_TYPE_TEXT[orgType.get(i.organisationCode) ?? ''] ?? 'Onbekende organisatie',
      assignee: i.assignee?.displayName ?? null,
      acceptBy: i.acceptBy ? dutchDateTime(i.acceptBy) : null,
      acceptLate: i.acceptBy !== null && i.acceptBy.getTime() <= now.getTime(),
      sla:
        i.status === 'answered' && i.answeredAt
          ? { text: `beantwoord op ${dutchDateTime(i.answeredAt)}`, tone: 'neutral' as const, label: null, left: Infinity }
          : slaView(clocks.get(i.id) as RunningClock | undefined, this.calendar, now),
      submittedAt: i.submittedAt.getTime(),
    }));
    const bySort: Record<string, (a: (typeof rows)[number], b: (typeof rows)[number]) => number> = {
      termijn: (a, b) => a.sla.left - b.sla.left || a.submittedAt - b.submittedAt,
      oudste: (a, b) => a.submittedAt - b.submittedAt,
      nieuwste: (a, b) => b.submittedAt - a.submittedAt,
      prioriteit: (a, b) => Number(b.urgent) - Number(a.urgent) || a.sla.left - b.sla.left,
    };
    return rows.sort(bySort[sort] ?? bySort.termijn);
  }
}

function groupOf(item: WorkItem): WorkGroup {
  if (item.status === 'assigned') return 'new';
  if (item.status === 'awaiting_requester') return 'waiting';
  if (item.status === 'answered') return 'answered';
  return 'in_progress';
}
