import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Roles, SignedIn } from '../common/access.js';
import { ConflictError, DomainError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { renderAnswerHtml } from '../common/markdown.js';
import { CurrentPrincipal, type Principal } from '../accounts/index.js';
import { CatalogService } from '../catalog/index.js';
import { validateForm } from '../infra/http/forms.js';
import { readUploadedFile } from '../infra/http/multipart.js';
import { UuidPipe } from '../infra/http/validation.js';
import { AnswerDto, AttachmentsService, dutchDateTime, EVENT_TEXT, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MessageBodyDto, PostMessageDto, type QuestionDetailDto, QuestionLifecycle, QuestionReader, RateDto, ReasonDto, STATUS_TEXT } from '../questions/index.js';
import { type PageError, type PageField, fieldErrors, pageErrors, requireFilled, textOf } from './page-form.js';
import { catalogView } from './page-format.js';
import { Clock } from '../common/clock.js';
import { isStaff } from '../accounts/index.js';
import { WorkingCalendar } from '../calendar/index.js';
import { ArticleQuery, KnowledgeSearchService } from '../knowledge/index.js';
import { AssignDto, PriorityDto, QuestionQuery, QuestionWork, ReferDto, type RecentViewer } from '../questions/index.js';
import { SlaService } from '../sla/index.js';
import { CLOCK_TEXT, PRIORITY_TEXT, slaView, workingDaysText } from './work-format.js';

/** The form fields of this page, by name: how an error sentence names them and which input it links to. */
const FIELDS: Record<string, PageField> = {
  reason: { label: 'Reden', id: 'reason' },
  message: { label: 'Verduidelijking', id: 'message' },
  answer: { label: 'Antwoord', id: 'answer' },
  body: { label: 'Bericht', id: 'body' },
  reopen: { label: 'Toelichting', id: 'reopen' },
  score: { label: 'Cijfer', id: 'score-5', reason: 'kies een cijfer van 1 tot en met 5' },
  comment: { label: 'Toelichting', id: 'comment' },
  withdraw: { label: 'Bevestiging', id: 'withdraw', reason: 'vink aan dat u de vraag wilt intrekken' },
  file: { label: 'Bijlage', id: 'file' },
  to: { label: 'Doorverwijzen naar', id: 'refer-to' },
  referReason: { label: 'Waarom', id: 'refer-reason' },
  expertId: { label: 'Expert', id: 'expert', reason: 'kies een expert uit de lijst' },
  priority: { label: 'Prioriteit', id: 'priority-normal', reason: 'kies normaal of spoed' },
  articleIds: { label: 'Kennisartikelen', id: 'answer', reason: 'link alleen naar bestaande, gepubliceerde artikelen (hoogstens 10)' },
};

/** What the page says after each action (a fixed text per action: nothing typed travels in the address). */
const DONE: Record<string, string> = {
  accept: 'U hebt de vraag in behandeling genomen.',
  decline: 'U hebt de vraag teruggegeven.',
  'clarification-request': 'Uw vraag om verduidelijking is verstuurd.',
  answer: 'Uw antwoord is verstuurd.',
  messages: 'Uw reactie is verstuurd.',
  confirm: 'Bedankt: u hebt bevestigd dat uw vraag is beantwoord.',
  reopen: 'Uw vraag is heropend; de expert gaat ermee verder.',
  rating: 'Bedankt voor uw beoordeling.',
  withdraw: 'Uw vraag is ingetrokken.',
  bijlagen: 'De bijlage is toegevoegd.',
  ingediend: 'Uw vraag is verstuurd.',
  refer: 'De vraag is doorverwezen.',
  toewijzen: 'De vraag is toegewezen.',
  prioriteit: 'De prioriteit is aangepast.',
};

/** Conflicts that mean "someone else changed the question first": the page shows what changed. */
const CHANGED_MEANWHILE = new Set(['stale-version', 'concurrent-change', 'invalid-transition']);
/** The answer editor's buttons that do not send: preview and the two searches. */
const DRAFT_STEPS = new Set(['voorbeeld', 'artikelen', 'eerder']);
/** How many articles or earlier answers a search in the answer form lists. */
const DRAFT_HITS = 5;
const ARTICLE_LINK = /\/kennisbank\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/gi;

/** The answer form between its steps: the text, a preview, and searches for articles and earlier answers. */
interface Draft {
  body: string;
  previewHtml: string | null;
  articleQuery: string;
  articles: { id: string; title: string; snippet: string }[] | null;
  earlierQuery: string;
  earlier: { id: string; reference: string; title: string; snippet: string }[] | null;
}

const FINAL = ['closed', 'referred', 'withdrawn'];

/**
 * `/vragen/{id}`: one question as the reader may see it (the service's visibility rule; internal
 * notes only for staff), with the actions open to them as plain forms. Each form posts to this
 * controller, which calls the same service method as the API and redirects back (303) with a
 * confirmation, or shows the page again with an error summary and what was typed.
 */
@ApiExcludeController()
@Controller('vragen')
export class QuestionPagesController {
  constructor(
    private readonly lifecycle: QuestionLifecycle,
    private readonly reader: QuestionReader,
    private readonly attachments: AttachmentsService,
    private readonly catalog: CatalogService,
    private readonly work: QuestionWork,
    private readonly sla: SlaService,
    private readonly knowledge: KnowledgeSearchService,
    private readonly calendar: WorkingCalendar,
    private readonly clock: Clock,
  ) {}

  /** Coordinators: assign to an expert (the router's candidates are listed on the page). */
  @Post(':id/toewijzen')
  @Roles('coordinator')
  @HttpCode(200)
  async assign(@Param('id', UuidPipe) id: string, @Body() body: Record<string, unknown> | undefined, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    await this.step(reply, principal, id, 'toewijzen', body, async (version) => {
      requireFilled({ expertId: textOf(body, 'expertId') });
      const input = await validateForm(AssignDto, { expertId: textOf(body, 'expertId') }, {});
      await this.lifecycle.assign(principal, id, input.expertId, version);
    });
  }

  /** Coordinators: normal or urgent (service levels move their targets). */
  @Post(':id/prioriteit')
  @Roles('coordinator')
  @HttpCode(200)
  async priority(@Param('id', UuidPipe) id: string, @Body() body: Record<string, unknown> | undefined, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    await this.step(reply, principal, id, 'prioriteit', body, async (version) => {
      requireFilled({ priority: textOf(body, 'priority') });
      const input = await validateForm(PriorityDto, { priority: textOf(body, 'priority') }, {});
      await this.lifecycle.setPriority(principal, id, input.priority, version);
    });
  }

  /** Runs one coordinator step and redirects with its confirmation, or shows the page with the refusal. */
  private async step(reply: FastifyReply, principal: Principal, id: string, action: string, body: Record<string, unknown> | undefined, run: (version: number | undefined) => Promise<void>): Promise<void> {
    try {
      await run(versionOf(body));
    } catch (error) {
      if (!(error instanceof DomainError) || error instanceof NotFoundError) throw error;
      await this.failed(reply, principal, id, error, action, body ?? {});
      return;
    }
    reply.redirect(`/vragen/${id}?gelukt=${action}`, 303);
  }

  @Get(':id')
  @SignedIn()
  async show(@Param('id', UuidPipe) id: string, @Query('gelukt') done: unknown, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    await this.render(reply, principal, id, { flash: typeof done === 'string' ? (DONE[done] ?? null) : null });
  }

  /** A file added through the page: multipart, so the CSRF token travels in the query (see AccessGuard). */
  @Post(':id/bijlagen')
  @SignedIn()
  @HttpCode(200)
  async upload(@Param('id', UuidPipe) id: string, @Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    try {
      const file = await readUploadedFile(request, 'file', MAX_ATTACHMENT_BYTES, 'Een bijlage mag hoogstens 10 MB zijn.');
      await this.attachments.add(principal, id, file);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.failed(reply, principal, id, error, 'bijlagen', {});
      return;
    }
    reply.redirect(`/vragen/${id}?gelukt=bijlagen#bijlagen`, 303);
  }

  @Post(':id/:action')
  @SignedIn()
  @HttpCode(200)
  async act(
    @Param('id', UuidPipe) id: string,
    @Param('action') action: string,
    @Body() body: Record<string, unknown> | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const text = (name: string) => textOf(body, name);
    const ticked = (name: string) => text(name) === 'on';
    // Staff forms carry the version they were loaded at: a change on an older one is a 409.
    const version = versionOf(body);
    try {
      switch (action) {
        case 'accept':
          await this.lifecycle.accept(principal, id, version);
          break;
        case 'decline':
          requireFilled({ reason: text('reason') });
          await this.lifecycle.decline(principal, id, (await validateForm(ReasonDto, { reason: text('reason') }, {})).reason, version);
          break;
        case 'clarification-request':
          requireFilled({ message: text('message') });
          await this.lifecycle.requestClarification(principal, id, (await validateForm(MessageBodyDto, { message: text('message') }, {})).message, version);
          break;
        case 'answer': {
          // The editor's other buttons (preview, searches, inserting) show the form again; only
          // "Antwoord versturen" (or a form without the editor's buttons) sends.
          if (DRAFT_STEPS.has(text('stap')) || text('invoegen') || text('overnemen')) {
            await this.render(reply, principal, id, { draft: await this.draft(principal, body ?? {}), failed: { action: 'answer', values: formValues(body ?? {}) } });
            return;
          }
          requireFilled({ answer: text('body') });
          const articleIds = [...new Set([...text('body').matchAll(ARTICLE_LINK)].map((m) => m[1].toLowerCase()))];
          const input = await validateAs('answer', () => validateForm(AnswerDto, { body: text('body'), ...(articleIds.length ? { articleIds } : {}) }, {}));
          await this.lifecycle.answer(principal, id, input, version);
          break;
        }
        case 'refer': {
          requireFilled({ to: text('to'), referReason: text('reason') });
          const input = await validateForm(ReferDto, { to: text('to'), reason: text('reason') }, {}).catch((error: unknown) => {
            if (error instanceof InvalidInputError) throw new InvalidInputError(error.invalidParams.map((p) => ({ ...p, name: p.name === 'reason' ? 'referReason' : p.name })), error.message);
            throw error;
          });
          await this.lifecycle.refer(principal, id, input, version);
          break;
        }
        case 'messages':
          requireFilled({ body: text('body') });
          await this.lifecycle.postMessage(principal, id, await validateForm(PostMessageDto, { body: text('body'), internal: ticked('internal') }, {}));
          break;
        case 'confirm':
          await this.lifecycle.confirm(principal, id, ticked('consent'));
          break;
        case 'reopen':
          requireFilled({ reopen: text('reason') });
          await this.lifecycle.reopen(principal, id, (await validateAs('reopen', () => validateForm(ReasonDto, { reason: text('reason') }, {}))).reason);
          break;
        case 'rating': {
          requireFilled({ score: text('score') });
          const rating = await validateForm(RateDto, { score: Number(text('score')), comment: text('comment') || undefined, consentToNameOrganisation: ticked('consent') ? true : undefined }, {});
          await this.lifecycle.rate(principal, id, rating);
          break;
        }
        case 'withdraw':
          requireFilled({ withdraw: ticked('confirm') ? 'on' : '' });
          await this.lifecycle.withdraw(principal, id);
          break;
        default:
          throw new NotFoundError('Actie', action);
      }
    } catch (error) {
      if (!(error instanceof DomainError) || error instanceof NotFoundError) throw error;
      await this.failed(reply, principal, id, error, action, body ?? {});
      return;
    }
    const anchor = action === 'messages' ? '#berichten' : '';
    reply.redirect(`/vragen/${id}?gelukt=${action}${anchor}`, 303);
  }

  /** The page again with the service's refusal (its status) and what was typed, ready to correct. */
  private async failed(reply: FastifyReply, principal: Principal, id: string, error: DomainError, action: string, typed: Record<string, unknown>): Promise<void> {
    reply.status(error.status);
    const values = formValues(typed);
    // Someone else got there first: show what changed since the form was loaded, keep what was typed.
    const loadedAt = textOf(typed, 'geladen');
    const conflict = error instanceof ConflictError && CHANGED_MEANWHILE.has(error.kind) && isStaff(principal) && !Number.isNaN(Date.parse(loadedAt)) ? new Date(loadedAt) : null;
    const draft = action === 'answer' ? await this.draft(principal, typed, false) : null;
    await this.render(reply, principal, id, { errors: pageErrors(error, FIELDS), failed: { action, values }, conflictSince: conflict, draft });
  }

  /**
   * The answer form's next state: the text (with a link inserted or an earlier answer taken over
   * when those buttons were pressed), its preview, and the hits of both searches.
   */
  private async draft(principal: Principal, typed: Record<string, unknown>, search = true): Promise<Draft> {
    let body = textOf(typed, 'body');
    const articleQuery = textOf(typed, 'artikelzoek').trim().slice(0, 200);
    const earlierQuery = textOf(typed, 'eerderzoek').trim().slice(0, 200);
    const insert = textOf(typed, 'invoegen');
    if (/^[0-9a-f-]{36}$/i.test(insert)) {
      const hit = (await this.knowledge.search(Object.assign(new ArticleQuery(), { q: articleQuery || undefined, pageSize: DRAFT_HITS * 4 }), principal)).data.find((a) => a.id === insert.toLowerCase());
      if (hit) body = `${body.trimEnd()}${body.trim() ? '\n\n' : ''}Zie ook: [${hit.title.replace(/[[\]]/g, '')}](/kennisbank/${hit.id})`;
    }
    const reuse = textOf(typed, 'overnemen');
    if (/^[0-9a-f-]{36}$/i.test(reuse)) {
      const earlier = await this.reader.get(principal, reuse.toLowerCase()).catch((error: unknown) => {
        if (error instanceof DomainError) return null;
        throw error;
      });
      if (earlier?.answer) body = `${body.trimEnd()}${body.trim() ? '\n\n' : ''}${earlier.answer}`;
    }
    const [articles, earlier] = search
      ? await Promise.all([
          articleQuery ? this.knowledge.search(Object.assign(new ArticleQuery(), { q: articleQuery, pageSize: DRAFT_HITS }), principal).then((r) => r.data.map((a) => ({ id: a.id, title: a.title, snippet: a.snippet }))) : null,
          earlierQuery && isStaff(principal)
            ? this.reader
                .list(principal, Object.assign(new QuestionQuery(), { q: earlierQuery, pageSize: DRAFT_HITS }))
                .then((r) => r.data.filter((x) => x.answer).map((x) => ({ id: x.id, reference: x.reference, title: x.title, snippet: x.snippet ?? '' })))
            : null,
        ])
      : [null, null];
    return { body, previewHtml: body.trim() ? renderAnswerHtml(body) : null, articleQuery, articles, earlierQuery, earlier };
  }

  private async render(
    reply: FastifyReply,
    principal: Principal,
    id: string,
    state: { flash?: string | null; errors?: PageError[]; failed?: { action: string; values: Record<string, string> }; conflictSince?: Date | null; draft?: Draft | null },
  ): Promise<void> {
    const [q, catalog] = await Promise.all([this.reader.get(principal, id), catalogView(this.catalog)]);
    const errors = state.errors ?? [];
    const staff = await this.staffView(principal, q, state.conflictSince ?? null);
    if (state.draft && staff && state.failed?.values) state.failed.values.body = state.draft.body;
    reply.header('Cache-Control', 'no-store');
    await reply.view('vraag.njk', {
      q,
      flash: state.flash ?? null,
      errors,
      fieldErrors: fieldErrors(errors),
      // What was typed into the form that failed, for that form only.
      failed: state.failed ?? { action: null, values: {} },
      keuzes: q.keuzeIds.map((k) => catalog.keuze(k)),
      ...this.view(q, principal),
      staff,
      draft: state.draft ?? null,
    });
  }

  /**
   * What only the taskforce sees: who else had the question open, its clocks, the router's note
   * and candidates (coordinators), and on a conflict what changed since the form was loaded. Null
   * for requesters (also a requester who is staff, on their own question).
   */
  private async staffView(principal: Principal, q: QuestionDetailDto, conflictSince: Date | null) {
    if (!isStaff(principal) || q.requester.id === principal.user.id) return null;
    const roles = principal.user.roles;
    const coordinator = roles.includes('coordinator');
    const open = !FINAL.includes(q.status) && q.status !== 'closed';
    const [viewers, clocks, candidates] = await Promise.all([
      this.work.viewed(principal, q.id),
      this.sla.questionView(principal, q.id).catch((error: unknown) => {
        if (error instanceof DomainError) return null;
        throw error;
      }),
      coordinator && ['submitted', 'triage', 'assigned', 'in_progress'].includes(q.status) ? this.work.candidates(principal, q.id) : Promise.resolve([]),
    ]);
    const now = this.clock.now();
    const running = (clocks?.clocks ?? []).map((c) => ({
      what: CLOCK_TEXT[c.kind] ?? c.kind,
      target: workingDaysText(c.targetDays),
      sla: c.stoppedAt || c.cancelled
        ? { text: c.cancelled ? 'vervallen' : c.met ? `gehaald in ${workingDaysText(c.measuredDays ?? 0)}` : `niet gehaald: ${workingDaysText(c.measuredDays ?? 0)}`, tone: c.cancelled ? 'neutral' : c.met ? 'ok' : 'error', label: 'Afgerond' }
        : slaView({ kind: c.kind, dueAt: c.dueAt ? new Date(c.dueAt) : null, remindAt: null, pausedSince: c.pausedSince ? new Date(c.pausedSince) : null, breachedAt: null, targetDays: c.targetDays }, this.calendar, now),
    }));
    const since = conflictSince?.getTime() ?? null;
    const note = coordinator ? (q.routingNote as { rule?: string; candidates?: number; considered?: { displayName?: string; matchingKeuzes?: number; openLoad?: number }[]; excluded?: string[] } | null | undefined) : null;
    return {
      version: q.version,
      loadedAt: now.toISOString(),
      viewers: viewers.map((v: RecentViewer) => `${v.displayName} bekeek deze vraag ${agoText(now.getTime() - v.lastSeenAt.getTime())}`),
      clocks: running,
      priority: PRIORITY_TEXT[q.priority],
      coordinator,
      mayAssign: coordinator && ['submitted', 'triage', 'assigned', 'in_progress'].includes(q.status),
      mayPriority: coordinator && open,
      mayRefer: ['triage', 'assigned', 'in_progress'].includes(q.status) && (coordinator || (q.assignee?.id === principal.user.id && roles.includes('expert'))),
      candidates: candidates.map((c) => ({
        id: c.expertId,
        name: c.displayName,
        fits: c.fits,
        current: q.assignee?.id === c.expertId,
        facts: `${c.matchingKeuzes} van ${q.keuzeIds.length} ${q.keuzeIds.length === 1 ? 'keuze past' : 'keuzes passen'} · ${c.openLoad} open ${c.openLoad === 1 ? 'vraag' : 'vragen'}${c.capacity === null ? '' : ` (maximaal ${c.capacity})`}${c.fits ? '' : ' · de router zou deze expert niet kiezen'}`,
      })),
      routingNote: note
        ? {
            rule: note.rule ?? null,
            candidates: note.candidates ?? 0,
            considered: (note.considered ?? []).map((c) => `${c.displayName ?? 'Onbekend'}: ${c.matchingKeuzes ?? 0} passende keuzes, ${c.openLoad ?? 0} open vragen`),
            excluded: (note.excluded ?? []).length,
          }
        : null,
      changes:
        since === null
          ? null
          : {
              events: q.timeline.filter((e) => Date.parse(e.occurredAt) > since).map((e) => ({ when: dutchDateTime(e.occurredAt), what: EVENT_TEXT[e.type] ?? e.type, who: e.actor?.displayName ?? null, reason: e.reason })),
              messages: q.messages.filter((m) => Date.parse(m.createdAt) > since).map((m) => ({ author: m.author.displayName, when: dutchDateTime(m.createdAt), body: m.body, internal: m.internal })),
            },
    };
  }

  /** What the template shows: texts in Dutch, the answer as sanitised HTML, and which actions are open. */
  private view(q: QuestionDetailDto, principal: Principal) {
    const me = principal.user.id;
    const roles = principal.user.roles;
    const isRequester = q.requester.id === me;
    const isAssignee = q.assignee?.id === me && roles.includes('expert');
    const staff = isAssignee || roles.includes('coordinator') || roles.includes('secretariat');
    const open = !FINAL.includes(q.status);
    return {
      status: STATUS_TEXT[q.status],
      submitted: dutchDateTime(q.submittedAt),
      // renderAnswerHtml sanitises the Markdown: the template may output it as is.
      answerHtml: q.answer ? renderAnswerHtml(q.answer) : null,
      timeline: q.timeline.map((e) => ({ when: dutchDateTime(e.occurredAt), what: EVENT_TEXT[e.type] ?? e.type, who: e.actor?.displayName ?? null, reason: e.reason })),
      messages: q.messages.map((m) => ({ author: m.author.displayName, when: dutchDateTime(m.createdAt), body: m.body, internal: m.internal })),
      attachments: q.attachments.map((a) => ({ ...a, href: `/api/v1/questions/${q.id}/attachments/${a.id}`, size: sizeText(a.size) })),
      may: {
        accept: isAssignee && q.status === 'assigned',
        decline: isAssignee && q.status === 'assigned',
        answer: isAssignee && q.status === 'in_progress',
        clarify: isAssignee && q.status === 'in_progress',
        reply: isRequester && q.status === 'awaiting_requester',
        message: open && (isRequester || staff) && !(isRequester && q.status === 'awaiting_requester'),
        internal: staff,
        confirm: isRequester && q.status === 'answered',
        reopen: isRequester && this.lifecycle.mayReopen({ status: q.status, answeredAt: q.answeredAt }),
        rate: isRequester && q.answeredAt !== null && q.rating === null,
        withdraw: isRequester && open && q.status !== 'answered',
        attach: open && q.attachments.length < MAX_ATTACHMENTS && (isRequester || isAssignee || roles.includes('coordinator')),
      },
      isRequester,
      // The expert's question the requester is asked to answer: the latest message not their own.
      clarification: isRequester && q.status === 'awaiting_requester' ? (q.messages.filter((m) => m.author.id !== me && !m.internal).at(-1)?.body ?? null) : null,
      rating: q.rating ? { score: q.rating.score, comment: q.rating.comment } : null,
    };
  }
}

/** The field of an error thrown by `validate` renamed to `name`, the field as the page calls it. */
async function validateAs<T>(name: string, validate: () => Promise<T>): Promise<T> {
  try {
    return await validate();
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw new InvalidInputError(error.invalidParams.map((p) => ({ ...p, name })), error.message);
  }
}

/** "1,2 MB", "34 kB": a file size as people read it. */
function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toLocaleString('nl-NL', { maximumFractionDigits: 1 })} MB`;
  return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString('nl-NL')} kB`;
}

/** The version a staff form was loaded at (hidden field `version`), if it sent one. */
function versionOf(body: Record<string, unknown> | undefined): number | undefined {
  const text = textOf(body, 'version');
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

/** What was typed into a form, to show it again (never the CSRF token). */
function formValues(typed: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.keys(typed).filter((k) => k !== 'csrf').map((k) => [k, textOf(typed, k)]));
}

/** "zojuist", "1 minuut geleden", "4 minuten geleden". */
function agoText(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'zojuist';
  return `${minutes} ${minutes === 1 ? 'minuut' : 'minuten'} geleden`;
}
