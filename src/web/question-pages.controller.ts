import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignedIn } from '../common/access.js';
import { DomainError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { renderAnswerHtml } from '../common/markdown.js';
import { CurrentPrincipal, type Principal } from '../accounts/index.js';
import { CatalogService } from '../catalog/index.js';
import { validateForm } from '../infra/http/forms.js';
import { readUploadedFile } from '../infra/http/multipart.js';
import { UuidPipe } from '../infra/http/validation.js';
import { AnswerDto, AttachmentsService, dutchDateTime, EVENT_TEXT, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MessageBodyDto, PostMessageDto, type QuestionDetailDto, QuestionLifecycle, QuestionReader, RateDto, ReasonDto, STATUS_TEXT } from '../questions/index.js';
import { type PageError, type PageField, fieldErrors, pageErrors, requireFilled, textOf } from './page-form.js';
import { catalogView } from './page-format.js';

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
};

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
  ) {}

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
    try {
      switch (action) {
        case 'accept':
          await this.lifecycle.accept(principal, id);
          break;
        case 'decline':
          requireFilled({ reason: text('reason') });
          await this.lifecycle.decline(principal, id, (await validateForm(ReasonDto, { reason: text('reason') }, {})).reason);
          break;
        case 'clarification-request':
          requireFilled({ message: text('message') });
          await this.lifecycle.requestClarification(principal, id, (await validateForm(MessageBodyDto, { message: text('message') }, {})).message);
          break;
        case 'answer':
          requireFilled({ answer: text('body') });
          await this.lifecycle.answer(principal, id, await validateAs('answer', () => validateForm(AnswerDto, { body: text('body') }, {})));
          break;
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
    const values = Object.fromEntries(Object.keys(typed).filter((k) => k !== 'csrf').map((k) => [k, textOf(typed, k)]));
    await this.render(reply, principal, id, { errors: pageErrors(error, FIELDS), failed: { action, values } });
  }

  private async render(
    reply: FastifyReply,
    principal: Principal,
    id: string,
    state: { flash?: string | null; errors?: PageError[]; failed?: { action: string; values: Record<string, string> } },
  ): Promise<void> {
    const [q, catalog] = await Promise.all([this.reader.get(principal, id), catalogView(this.catalog)]);
    const errors = state.errors ?? [];
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
    });
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
