import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public, SignedIn } from '../common/access.js';
import { DomainError } from '../common/domain-errors.js';
import { renderAnswerHtml } from '../common/markdown.js';
import type { AuditActor } from '../audit/audit.service.js';
import { AuthService } from '../accounts/auth.service.js';
import { CurrentActor, CurrentPrincipal, type Principal } from '../accounts/principal.js';
import { html, page, raw } from '../infra/http/html.js';
import { validateForm } from '../infra/http/forms.js';
import { UuidPipe } from '../infra/http/validation.js';
import { AppSecrets } from '../infra/secrets.js';
import { AnswerDto, MessageBodyDto, PostMessageDto, RateDto, ReasonDto, type QuestionDetailDto } from './questions.dto.js';
import { QuestionsService } from './questions.service.js';

const STATUS: Record<string, string> = {
  submitted: 'Ingediend',
  triage: 'Wordt verdeeld',
  assigned: 'Toegewezen aan een expert',
  in_progress: 'In behandeling',
  awaiting_requester: 'Wacht op uw reactie',
  answered: 'Beantwoord',
  closed: 'Afgesloten',
  referred: 'Doorverwezen',
  withdrawn: 'Ingetrokken',
};
const EVENT: Record<string, string> = {
  submitted: 'Vraag ingediend',
  routed: 'Toegewezen aan een expert',
  unroutable: 'Geen passende expert; naar de coördinator',
  assigned: 'Toegewezen',
  accepted: 'In behandeling genomen',
  declined: 'Teruggegeven door de expert',
  clarification_requested: 'Verduidelijking gevraagd',
  requester_replied: 'Vraagsteller heeft gereageerd',
  answered: 'Beantwoord',
  confirmed: 'Bevestigd door de vraagsteller',
  auto_closed: 'Automatisch afgesloten',
  reopened: 'Heropend',
  referred: 'Doorverwezen',
  withdrawn: 'Ingetrokken',
  priority_changed: 'Prioriteit gewijzigd',
  handover_needed: 'Overdracht nodig',
  rated: 'Beoordeeld',
};
/** The fields of the forms below as the page names them, for validation messages. */
const LABELS: Record<string, string> = { reason: 'De reden', message: 'De vraag', body: 'Het bericht', score: 'Het cijfer', comment: 'De toelichting' };
const dateTime = new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', dateStyle: 'long', timeStyle: 'short' });

/**
 * The page behind every link in a question mail: the question as the reader may see it, with
 * the actions open to them as plain forms (no scripts). Each form posts to this controller,
 * which calls the same service as the API and comes back here.
 */
@ApiExcludeController()
@Controller('vragen')
export class QuestionPagesController {
  constructor(
    private readonly questions: QuestionsService,
    private readonly auth: AuthService,
    private readonly secrets: AppSecrets,
  ) {}

  @Get(':id')
  @Public()
  async show(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal | undefined, @Res() reply: FastifyReply): Promise<void> {
    if (!principal) {
      reply.type('text/html; charset=utf-8').send(signInPage(`/vragen/${id}`));
      return;
    }
    await this.render(reply, principal, id);
  }

  @Post(':id/:action')
  @SignedIn()
  @HttpCode(200)
  async act(
    @Param('id', UuidPipe) id: string,
    @Param('action') action: string,
    @Body() body: Record<string, unknown> | undefined,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() _actor: AuditActor,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const text = (name: string) => (typeof body?.[name] === 'string' ? String(body[name]).trim() : '');
    try {
      switch (action) {
        case 'accept':
          await this.questions.accept(principal, id);
          break;
        case 'decline':
          await this.questions.decline(principal, id, (await validateForm(ReasonDto, { reason: required(text('reason'), 'reden') }, LABELS)).reason);
          break;
        case 'clarification-request':
          await this.questions.requestClarification(principal, id, (await validateForm(MessageBodyDto, { message: required(text('message'), 'vraag') }, LABELS)).message);
          break;
        case 'answer':
          await this.questions.answer(principal, id, await validateForm(AnswerDto, { body: required(text('body'), 'antwoord') }, { body: 'Het antwoord' }));
          break;
        case 'messages':
          await this.questions.postMessage(principal, id, await validateForm(PostMessageDto, { body: required(text('body'), 'bericht'), internal: body?.internal === 'on' }, LABELS));
          break;
        case 'confirm':
          await this.questions.confirm(principal, id, body?.consent === 'on');
          break;
        case 'reopen':
          await this.questions.reopen(principal, id, (await validateForm(ReasonDto, { reason: required(text('reason'), 'reden') }, LABELS)).reason);
          break;
        case 'rating':
          await this.questions.rate(
            principal,
            id,
            await validateForm(RateDto, { score: Number(text('score')), comment: text('comment') || undefined, consentToNameOrganisation: body?.consent === 'on' ? true : undefined }, LABELS),
          );
          break;
        default:
          reply.status(404).type('text/html; charset=utf-8').send(page('Niet gevonden', html`<p class="error">Deze actie bestaat niet.</p>`));
          return;
      }
      reply.redirect(`/vragen/${id}`, 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      reply.status(error.status);
      await this.render(reply, principal, id, error.message).catch(() =>
        reply.type('text/html; charset=utf-8').send(page('Niet gelukt', html`<p class="error">${error.message}</p>`)),
      );
    }
  }

  private async render(reply: FastifyReply, principal: Principal, id: string, problem?: string): Promise<void> {
    const q = await this.questions.get(principal, id);
    const csrf = this.auth.csrfTokenFor(principal) ?? '';
    reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(page(`${q.reference} ${q.title}`, this.body(q, principal, csrf, problem)));
  }

  private body(q: QuestionDetailDto, principal: Principal, csrf: string, problem?: string) {
    const me = principal.user.id;
    const isRequester = q.requester.id === me;
    const isAssignee = q.assignee?.id === me && principal.user.roles.includes('expert');
    const form = (action: string, content: ReturnType<typeof html>, button: string) =>
      html`<form method="post" action="/vragen/${q.id}/${action}"><input type="hidden" name="csrf" value="${csrf}">${content}<p><button type="submit">${button}</button></p></form>`;
    const forms: ReturnType<typeof html>[] = [];
    if (isAssignee && q.status === 'assigned') {
      forms.push(form('accept', html``, 'In behandeling nemen'));
      forms.push(form('decline', html`<label for="reason">Waarom geeft u de vraag terug?</label><textarea id="reason" name="reason" required maxlength="2000"></textarea>`, 'Teruggeven'));
    }
    if (isAssignee && q.status === 'in_progress') {
      forms.push(form('answer', html`<label for="body">Antwoord</label><textarea id="body" name="body" rows="8" required maxlength="20000"></textarea>`, 'Antwoord versturen'));
      forms.push(form('clarification-request', html`<label for="message">Verduidelijking vragen</label><textarea id="message" name="message" required maxlength="2000"></textarea>`, 'Vraag stellen aan de vraagsteller'));
    }
    if (isRequester && q.status === 'answered') {
      forms.push(
        html`<div id="bevestigen">${form('confirm', html`<label><input type="checkbox" name="consent"> Een geanonimiseerd artikel op basis van deze vraag mag onze organisatie noemen.</label>`, 'Bevestigen: mijn vraag is beantwoord')}</div>`,
      );
    }
    if (isRequester && ['answered', 'closed'].includes(q.status)) {
      forms.push(html`<div id="heropenen">${form('reopen', html`<label for="reopen">Nog niet opgelost? Licht toe waarom</label><textarea id="reopen" name="reason" required maxlength="2000"></textarea>`, 'Heropenen')}</div>`);
    }
    if (isRequester && q.answeredAt && !q.rating) {
      forms.push(
        html`<div id="beoordelen">${form(
          'rating',
          html`<label for="score">Hoe bruikbaar was het antwoord? (1 = niet, 5 = zeer)</label>
            <select id="score" name="score">${[5, 4, 3, 2, 1].map((n) => html`<option value="${n}">${n}</option>`)}</select>
            <label for="comment">Toelichting (optioneel)</label><textarea id="comment" name="comment" maxlength="2000"></textarea>`,
          'Beoordelen',
        )}</div>`,
      );
    }
    if (!['closed', 'referred', 'withdrawn'].includes(q.status) && (isRequester || isAssignee || principal.user.roles.some((r) => r === 'coordinator' || r === 'secretariat'))) {
      const staff = !isRequester || isAssignee;
      forms.push(
        form(
          'messages',
          html`<label for="msg">${q.status === 'awaiting_requester' && isRequester ? 'Uw reactie' : 'Bericht'}</label><textarea id="msg" name="body" required maxlength="20000"></textarea>
            ${staff ? html`<label><input type="checkbox" name="internal"> Interne notitie (alleen zichtbaar voor de taskforce)</label>` : ''}`,
          'Versturen',
        ),
      );
    }
    return html`
      ${problem ? html`<p class="error">${problem}</p>` : ''}
      <p class="muted">${q.reference} · ${STATUS[q.status] ?? q.status} · keuze ${q.keuzeIds.join(', ')}</p>
      <h1>${q.title}</h1>
      ${q.context ? html`<p class="muted">${q.context}</p>` : ''}
      <p style="white-space: pre-wrap">${q.body}</p>
      ${q.answer ? html`<h2>Antwoord${q.assignee ? html` van ${q.assignee.displayName}` : ''}</h2><div class="answer">${raw(renderAnswerHtml(q.answer))}</div>` : ''}
      ${q.referredTo ? html`<p>Doorverwezen naar <strong>${q.referredTo}</strong>.</p>` : ''}
      ${q.messages.length ? html`<h2>Berichten</h2>${q.messages.map((m) => html`<p><strong>${m.author.displayName}</strong>${m.internal ? ' (intern)' : ''} · <span class="muted">${dateTime.format(new Date(m.createdAt))}</span><br><span style="white-space: pre-wrap">${m.body}</span></p>`)}` : ''}
      ${forms}
      <h2>Verloop</h2>
      <ul>${q.timeline.map((e) => html`<li>${dateTime.format(new Date(e.occurredAt))}: ${EVENT[e.type] ?? e.type}${e.actor ? html` (${e.actor.displayName})` : ''}${e.reason ? html` — ${e.reason}` : ''}</li>`)}</ul>`;
  }
}

function required(value: string, what: string): string {
  if (!value) throw new MissingFieldError(what);
  return value;
}

class MissingFieldError extends DomainError {
  readonly status = 400;
  readonly kind = 'invalid-input';
  constructor(what: string) {
    super(`Vul een ${what} in.`);
  }
}

/** Shown instead of a question to someone not signed in: a form that mails a sign-in link. */
function signInPage(returnTo: string): string {
  return page(
    'Inloggen',
    html`<h1>Log in om deze vraag te bekijken</h1>
      <p>Vraagbaak werkt zonder wachtwoord: u krijgt een inloglink per e-mail.</p>
      <form method="post" action="/auth/sign-in-link">
        <input type="hidden" name="returnTo" value="${returnTo}">
        <label for="email">Uw e-mailadres</label>
        <input id="email" name="email" type="email" required maxlength="254" style="width: 20rem; letter-spacing: 0">
        <p><button type="submit">Stuur mij een inloglink</button></p>
      </form>${raw('')}`,
  );
}
