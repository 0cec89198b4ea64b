import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, CurrentPrincipal, type Principal } from '../accounts/index.js';
import type { AuditActor } from '../audit/index.js';
import { Roles } from '../common/access.js';
import { DomainError } from '../common/domain-errors.js';
import { validateForm } from '../infra/http/forms.js';
import { UuidPipe } from '../infra/http/validation.js';
import { ArticleQuery, KnowledgeSearchService, KnowledgeService, SendBackArticleDto } from '../knowledge/index.js';
import { dutchDate } from './page-format.js';
import { fieldErrors, pageErrors, textOf, type PageError } from './page-form.js';

const SHOWN = 50;
const DONE: Record<string, string> = {
  gepubliceerd: 'Het artikel is gepubliceerd en staat nu in de kennisbank.',
  teruggestuurd: 'Het artikel is teruggestuurd naar de auteur, met uw opmerking.',
  gearchiveerd: 'Het artikel is gearchiveerd.',
};

/**
 * `/secretariaat/artikelen`: the review queue. Publish (four eyes: the knowledge service refuses
 * the article's last author), send back to the author with a comment, archive a published article;
 * the archived articles below. The rules are the API's (`/articles/{id}/publish|send-back|archive`).
 */
@ApiExcludeController()
@Controller('secretariaat/artikelen')
export class SecretariatArticlesController {
  constructor(
    private readonly articles: KnowledgeService,
    private readonly search: KnowledgeSearchService,
  ) {}

  @Get()
  @Roles('secretariat')
  async queue(@Query('gelukt') done: unknown, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    await this.render(reply, principal, [], {}, typeof done === 'string' ? (DONE[done] ?? null) : null);
  }

  @Post(':id/publiceren')
  @Roles('secretariat')
  @HttpCode(200)
  async publish(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    await this.act(reply, principal, id, {}, () => this.articles.transition(id, 'publish', principal, actor), 'gepubliceerd');
  }

  @Post(':id/terugsturen')
  @Roles('secretariat')
  @HttpCode(200)
  async sendBack(@Param('id', UuidPipe) id: string, @Body() body: Record<string, unknown> | undefined, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const comment = textOf(body, 'comment');
    await this.act(reply, principal, id, { [id]: comment }, async () => {
      const input = await validateForm(SendBackArticleDto, { comment }, { comment: 'Opmerking voor de auteur' });
      return this.articles.transition(id, 'sendBack', principal, actor, input.comment.trim());
    }, 'teruggestuurd');
  }

  @Post(':id/archiveren')
  @Roles('secretariat')
  @HttpCode(200)
  async archive(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    await this.act(reply, principal, id, {}, () => this.articles.transition(id, 'archive', principal, actor), 'gearchiveerd');
  }

  /** Runs an action; a refusal (400 empty comment, 403 four eyes, 409 changed meanwhile) shows the queue again with the reason and the typed comment. */
  private async act(reply: FastifyReply, principal: Principal, id: string, comments: Record<string, string>, action: () => Promise<unknown>, done: string): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404) throw error;
      const errors = pageErrors(error, { comment: { label: 'Opmerking voor de auteur', id: `comment-${id}` } });
      reply.code(error.status);
      await this.render(reply, principal, errors, comments, null);
      return;
    }
    reply.redirect(`/secretariaat/artikelen?gelukt=${done}`, 303);
  }

  private async render(reply: FastifyReply, principal: Principal, errors: PageError[], comments: Record<string, string>, flash: string | null): Promise<void> {
    const list = (status: 'in_review' | 'published' | 'archived') => this.search.search(Object.assign(new ArticleQuery(), { status, page: 1, pageSize: SHOWN }), principal);
    const [review, archived] = await Promise.all([list('in_review'), list('archived')]);
    const errorFor = fieldErrors(errors);
    reply.header('Cache-Control', 'no-store');
    await reply.view('secretariaat-artikelen.njk', {
      flash,
      errors,
      review: review.data.map((a) => ({ id: a.id, title: a.title, href: `/artikelen/${a.id}`, comment: comments[a.id] ?? '', error: comments[a.id] !== undefined ? errorFor.comment : null })),
      reviewTotal: review.page.total,
      archived: archived.data.map((a) => ({ id: a.id, title: a.title, href: `/artikelen/${a.id}`, published: dutchDate(a.publishedAt) })),
      archivedTotal: archived.page.total,
    });
  }
}
