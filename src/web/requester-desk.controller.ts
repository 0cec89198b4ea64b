import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Roles, SignedIn } from '../common/access.js';
import { DomainError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { CurrentActor, CurrentPrincipal, type Principal } from '../accounts/index.js';
import type { AuditActor } from '../audit/index.js';
import { CatalogService } from '../catalog/index.js';
import { validateForm } from '../infra/http/forms.js';
import { readUploadedForm, type UploadedFile, type UploadedForm } from '../infra/http/multipart.js';
import { UuidPipe } from '../infra/http/validation.js';
import { KnowledgeSearchService } from '../knowledge/index.js';
import { OrganisationsService } from '../organisations/index.js';
import { AttachmentsService, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, QuestionIntake, QuestionQuery, QuestionReader, REQUESTER_TODO, STATUS_TEXT, SubmitQuestionDto } from '../questions/index.js';
import { SlaService } from '../sla/index.js';
import { catalogView, dutchDate } from './page-format.js';
import { type PageError, type PageField, fieldErrors, pageErrors, textOf } from './page-form.js';

/** The fields of the question form by the API's names: how error sentences name them, which input they link to. */
const FIELDS: Record<string, PageField> = {
  title: { label: 'Titel', id: 'title' },
  body: { label: 'Uw vraag', id: 'body' },
  keuzeIds: { label: 'Keuzes', id: 'keuzes', reason: 'kies één tot vijf keuzes' },
  organisationCode: { label: 'Organisatie', id: 'organisation' },
  desiredAnswerDate: { label: 'Gewenste datum', id: 'desiredAnswerDate' },
  context: { label: 'Locatie of project', id: 'context' },
  bijlagen: { label: 'Bijlagen', id: 'bijlagen' },
  file: { label: 'Bijlagen', id: 'bijlagen' },
  suggestionId: { label: 'Suggesties', id: 'title' },
};
const PAGE_SIZE = 20;
/** The suggestion service reads at most this much of the draft. */
const SUGGESTION_TEXT_MAX = 10_000;

/** What the form keeps between its steps and after a refusal. */
interface Draft {
  title: string;
  body: string;
  keuzeIds: number[];
  desiredAnswerDate: string;
  context: string;
  suggestionId: string;
}

const emptyDraft = (): Draft => ({ title: '', body: '', keuzeIds: [], desiredAnswerDate: '', context: '', suggestionId: '' });

/** The draft as the final step's form posted it. */
function draftOf(fields: UploadedForm['fields']): Draft {
  const field = (name: string) => textOf(fields, name);
  return {
    title: field('title'),
    body: field('body'),
    keuzeIds: ([] as string[]).concat(fields.keuzeIds ?? []).map(Number),
    desiredAnswerDate: field('desiredAnswerDate'),
    context: field('context'),
    suggestionId: field('suggestionId'),
  };
}

/**
 * The requester's desk: `/vragen` (my questions), `/vragen/nieuw` (ask a question, in two steps
 * so that the similar published articles are seen before submitting, with or without scripts) and
 * `/vragen/{id}/ingediend` (the receipt). Thin: the API's DTO and services decide.
 */
@ApiExcludeController()
@Controller('vragen')
export class RequesterDeskController {
  constructor(
    private readonly intake: QuestionIntake,
    private readonly reader: QuestionReader,
    private readonly attachments: AttachmentsService,
    private readonly catalog: CatalogService,
    private readonly search: KnowledgeSearchService,
    private readonly organisations: OrganisationsService,
    private readonly sla: SlaService,
  ) {}

  @Get()
  @SignedIn()
  async list(@Query('pagina') pagina: unknown, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    // The API's page rules (and its Dutch 400 for a bad number), under the page's own name.
    const query = await validateForm(QuestionQuery, { page: pagina ?? 1, pageSize: PAGE_SIZE }, { page: 'Pagina' }).catch((error: unknown) => {
      if (error instanceof InvalidInputError) throw new InvalidInputError(error.invalidParams.map((p) => ({ ...p, name: p.name === 'page' ? 'pagina' : p.name })), error.message);
      throw error;
    });
    // Staff who ask no questions see the ones assigned to them, not everything they may see.
    const asks = principal.user.roles.includes('requester');
    if (!asks) query.assignee = 'me';
    const result = await this.reader.list(principal, query);
    const { number, total } = result.page;
    const link = (n: number) => (n > 1 ? `/vragen?pagina=${n}` : '/vragen');
    reply.header('Cache-Control', 'no-store');
    await reply.view('mijn-vragen.njk', {
      questions: result.data.map((q) => ({
        id: q.id,
        reference: q.reference,
        title: q.title,
        status: STATUS_TEXT[q.status],
        todo: q.requester.id === principal.user.id ? (REQUESTER_TODO[q.status] ?? null) : null,
        submitted: dutchDate(q.submittedAt),
        updated: dutchDate(q.updatedAt),
      })),
      total,
      mayAsk: asks,
      pages: { number, last: Math.max(1, Math.ceil(total / PAGE_SIZE)), previous: number > 1 ? link(number - 1) : null, next: number * PAGE_SIZE < total ? link(number + 1) : null },
    });
  }

  /** Step 1: the title and the question; `?q=` (from the knowledge base) fills in the title. */
  @Get('nieuw')
  @Roles('requester')
  async start(@Query('q') q: unknown, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    const draft = { ...emptyDraft(), title: typeof q === 'string' ? q.slice(0, 200) : '' };
    await this.renderStep(reply, principal, 1, draft, []);
  }

  /** Step 2: the articles similar to the draft, and the rest of the form (the draft carried along). */
  @Post('nieuw/vervolg')
  @Roles('requester')
  @HttpCode(200)
  async next(@Body() body: Record<string, unknown> | undefined, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    const draft = { ...emptyDraft(), title: textOf(body, 'title'), body: textOf(body, 'body') };
    // The API's rules for these two fields; the others are asked for in this step.
    const errors = await validateForm(SubmitQuestionDto, { title: draft.title, body: draft.body, keuzeIds: [] }, {}).then(
      () => [],
      (error: unknown) => {
        if (!(error instanceof InvalidInputError)) throw error;
        const own = error.invalidParams.filter((p) => p.name === 'title' || p.name === 'body');
        return own.length ? pageErrors(new InvalidInputError(own), FIELDS) : [];
      },
    );
    if (errors.length) {
      reply.status(400);
      await this.renderStep(reply, principal, 1, draft, errors);
      return;
    }
    const suggestions = await this.suggestionsFor(draft);
    await this.renderStep(reply, principal, 2, { ...draft, suggestionId: suggestions?.suggestionId ?? '' }, [], suggestions?.data ?? null);
  }

  /** The final step: multipart (attachments), so its CSRF token travels in the query (see AccessGuard). */
  @Post('nieuw')
  @Roles('requester')
  @HttpCode(200)
  async submit(@Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const form: UploadedForm = { fields: {}, files: [] };
    let id: string;
    let files: UploadedFile[] = [];
    try {
      await readUploadedForm(request, 'bijlagen', { maxBytes: MAX_ATTACHMENT_BYTES, maxFiles: MAX_ATTACHMENTS, tooLarge: 'Een bijlage mag hoogstens 10 MB zijn.' }, form);
      const draft = draftOf(form.fields);
      const input = await validateForm(
        SubmitQuestionDto,
        {
          title: draft.title,
          body: draft.body,
          keuzeIds: draft.keuzeIds,
          desiredAnswerDate: draft.desiredAnswerDate || undefined,
          context: draft.context || undefined,
          suggestionId: draft.suggestionId || undefined,
        },
        {},
      );
      // Every file passes the attachment checks before the question exists: none is lost unnoticed.
      await this.inspectAll(form.files);
      id = (await this.intake.submit(principal, input, actor)).id;
      files = form.files;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      reply.status(error.status);
      // Also after a refused upload: the fields read until then come back on the page.
      await this.renderStep(reply, principal, 2, draftOf(form.fields), pageErrors(error, FIELDS));
      return;
    }
    // The question exists now: a file refused after all (the question changed meanwhile) is
    // reported on the receipt, not by showing the form again, which would ask the question twice.
    let refused = 0;
    for (const file of files) {
      await this.attachments.add(principal, id, file).catch((error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
        refused++;
      });
    }
    reply.redirect(`/vragen/${id}/ingediend${refused ? '?bijlagen=onvolledig' : ''}`, 303);
  }

  /** The receipt: the reference and what happens next. */
  @Get(':id/ingediend')
  @SignedIn()
  async submitted(@Param('id', UuidPipe) id: string, @Query('bijlagen') attachments: unknown, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    const q = await this.reader.get(principal, id);
    const answerDays = await this.sla.getPolicy(q.priority).then(
      (policy) => policy.answerDays,
      (error: unknown) => {
        if (error instanceof NotFoundError) return null;
        throw error;
      },
    );
    reply.header('Cache-Control', 'no-store');
    await reply.view('vraag-ingediend.njk', { q, answerDays, email: principal.user.email, attachmentsIncomplete: attachments === 'onvolledig' });
  }

  private async inspectAll(files: UploadedFile[]): Promise<void> {
    for (const file of files) {
      try {
        await this.attachments.inspect(file);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        throw new InvalidInputError([{ name: 'bijlagen', reason: `${file.filename} is geweigerd. ${error.message}` }]);
      }
    }
  }

  /** The suggestions for a draft; none when it has no searchable word. */
  private async suggestionsFor(draft: Draft) {
    try {
      return await this.search.suggestions(`${draft.title}\n${draft.body}`.slice(0, SUGGESTION_TEXT_MAX));
    } catch (error) {
      if (error instanceof InvalidInputError) return null;
      throw error;
    }
  }

  /** `suggestions`: those found for the draft (possibly none), or null when they were not looked up for this rendering. */
  private async renderStep(reply: FastifyReply, principal: Principal, step: 1 | 2, draft: Draft, errors: PageError[], suggestions: { id: string; title: string }[] | null = null): Promise<void> {
    const catalog = await catalogView(this.catalog);
    const code = principal.user.organisationCode;
    const organisation = code ? await this.organisations.get(code).catch(() => null) : null;
    reply.header('Cache-Control', 'no-store');
    await reply.view('vraag-nieuw.njk', {
      step,
      draft,
      errors,
      fieldErrors: fieldErrors(errors),
      suggestions: (suggestions ?? []).map((s) => ({ title: s.title, href: `/kennisbank/${s.id}?suggestie=${draft.suggestionId}` })),
      suggestionsChecked: suggestions !== null,
      organisation: code ? { code, name: organisation?.name ?? null } : null,
      themes: catalog.themes.map((t) => ({
        id: t.id,
        title: t.title,
        keuzes: t.keuzes.map((k) => ({ id: k.id, title: k.title, checked: draft.keuzeIds.includes(k.id) })),
      })),
      maxAttachments: MAX_ATTACHMENTS,
    });
  }
}
