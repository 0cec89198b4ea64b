import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/access.js';
import { InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { CurrentPrincipal, type Principal } from '../accounts/index.js';
import { CatalogService } from '../catalog/index.js';
import { UuidPipe, VALIDATION_OPTIONS, toInvalidParams } from '../infra/http/validation.js';
import { ArticleQuery, ArticleSearchResultDto, KnowledgeSearchService, KnowledgeService } from '../knowledge/index.js';
import { ARTICLE_STATUS_TEXT, catalogView, dutchDate, totalText } from './page-format.js';

/** The page's query parameters (Dutch `pagina`) and the API's names for them. */
const PARAMS = { q: 'q', themeId: 'themeId', keuzeId: 'keuzeId', pagina: 'page' } as const;
const LABELS: Record<string, string> = { q: 'Zoekwoorden', themeId: 'Thema', keuzeId: 'Keuze', pagina: 'Pagina' };
const PAGE_SIZE = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


/**
 * `/kennisbank` and `/kennisbank/{id}`: the public knowledge base as pages. Thin: the query is
 * validated by the API's own ArticleQuery rules and answered by the same services as
 * GET /api/v1/articles(/{id}), so what a reader may see is decided in one place.
 */
@ApiExcludeController()
@Controller('kennisbank')
export class KnowledgePagesController {
  constructor(
    private readonly search: KnowledgeSearchService,
    private readonly articles: KnowledgeService,
    private readonly catalog: CatalogService,
  ) {}

  @Get()
  @Public()
  @Header('Cache-Control', 'no-store')
  async list(@Query() raw: Record<string, unknown>, @CurrentPrincipal() principal: Principal | undefined, @Res() reply: FastifyReply): Promise<void> {
    const form = { q: typeof raw.q === 'string' ? raw.q : '' };
    const names = await catalogView(this.catalog);
    let query: ArticleQuery;
    let result: ArticleSearchResultDto;
    try {
      query = await toArticleQuery(raw);
      result = await this.search.search(query, principal);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      const errors = error.invalidParams.map((p) => ({ name: pageName(p.name), label: LABELS[pageName(p.name)] ?? p.name, reason: p.reason }));
      reply.code(400);
      await reply.view('kennisbank.njk', { form, errors, qError: errors.find((e) => e.name === 'q')?.reason ?? null });
      return;
    }

    const base = { q: query.q, themeId: query.themeId, keuzeId: query.keuzeId };
    const { number, total, totalExact } = result.page;
    const lastPage = Math.max(1, Math.ceil(total / PAGE_SIZE));
    await reply.view('kennisbank.njk', {
      form,
      errors: [],
      query: base,
      hits: result.data.map((hit) => ({ ...hit, published: dutchDate(hit.publishedAt), themes: hit.themeIds.map((id) => names.theme(id)) })),
      total: totalText(total, totalExact),
      searchId: result.meta.searchId,
      totalCount: total,
      // The fallback said honestly: none, or only a few, of the results contain every word.
      fallback: result.meta.matchMode === 'any' ? { allWords: result.meta.allWordsTotal ?? 0 } : null,
      filter: {
        theme: query.themeId !== undefined ? { title: names.theme(query.themeId), clear: href({ ...base, themeId: undefined }) } : null,
        keuze: query.keuzeId !== undefined ? { title: names.keuze(query.keuzeId), clear: href({ ...base, keuzeId: undefined }) } : null,
      },
      facets: {
        themes: result.facets.themes.map((f) => ({ ...f, title: names.theme(f.id), href: href({ ...base, themeId: f.id }), current: f.id === query.themeId })),
        keuzes: result.facets.keuzes.map((f) => ({ ...f, title: names.keuze(f.id), href: href({ ...base, keuzeId: f.id }), current: f.id === query.keuzeId })),
      },
      pages: {
        number,
        last: lastPage,
        previous: number > 1 ? href({ ...base, pagina: number > 2 ? number - 1 : undefined }) : null,
        next: number * PAGE_SIZE < total ? href({ ...base, pagina: number + 1 }) : null,
      },
    });
  }

  @Get(':id')
  @Public()
  @Header('Cache-Control', 'no-store')
  async article(
    @Param('id', UuidPipe) id: string,
    @Query('zoekopdracht') searchId: unknown,
    @Query('suggestie') suggestionId: unknown,
    @CurrentPrincipal() principal: Principal | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const article = await this.articles.get(id, principal);
    await this.search.recordOpenOf(article);
    // Opened from a result: the search analytics count the click, as POST …/searches/{id}/clicks
    // does for API clients. A stale or made-up search id only loses the count, not the page.
    if (typeof searchId === 'string' && UUID.test(searchId)) {
      await this.search.searchClicked(searchId.toLowerCase(), id).catch((error: unknown) => {
        if (!(error instanceof NotFoundError || error instanceof InvalidInputError)) throw error;
      });
    }
    // Opened from the suggestions shown while asking a question (/vragen/nieuw): counted as
    // POST …/suggestions/{id}/opened counts it (deflection).
    if (typeof suggestionId === 'string' && UUID.test(suggestionId)) {
      await this.search.suggestionOpened(suggestionId.toLowerCase(), id).catch((error: unknown) => {
        if (!(error instanceof NotFoundError || error instanceof InvalidInputError)) throw error;
      });
    }
    const names = await catalogView(this.catalog);
    // Related articles through the same rule: a reader sees only those that are published.
    const related = [];
    for (const relatedId of article.relatedArticleIds) {
      try {
        const other = await this.articles.get(relatedId, principal);
        related.push({ id: other.id, title: other.title });
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    await reply.view('artikel.njk', {
      article,
      staff: 'status' in article ? { status: ARTICLE_STATUS_TEXT[article.status], sourceQuestionId: article.sourceQuestionId } : null,
      published: dutchDate(article.publishedAt),
      keuzes: article.keuzeIds.map((k) => ({ id: k, title: names.keuze(k), href: href({ keuzeId: k }) })),
      themes: article.themeIds.map((t) => ({ id: t, title: names.theme(t), href: href({ themeId: t }) })),
      related,
    });
  }

}

/** The page's parameters as the API's ArticleQuery, validated by the same rules; unknown parameters are ignored. */
async function toArticleQuery(raw: Record<string, unknown>): Promise<ArticleQuery> {
  const plain: Record<string, unknown> = { pageSize: PAGE_SIZE };
  for (const [pageParam, apiParam] of Object.entries(PARAMS)) {
    if (raw[pageParam] !== undefined) plain[apiParam] = raw[pageParam];
  }
  const query = plainToInstance(ArticleQuery, plain);
  const errors = await validate(query, { ...VALIDATION_OPTIONS, validationError: { target: true, value: false } });
  if (errors.length > 0) throw new InvalidInputError(toInvalidParams(errors));
  return query;
}

function pageName(apiName: string): string {
  return apiName === 'page' ? 'pagina' : apiName;
}

/** A link to the search page with these parameters (empty ones left out). */
function href(params: { q?: string; themeId?: number; keuzeId?: number; pagina?: number }): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `/kennisbank?${text}` : '/kennisbank';
}
