import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/access.js';
import { CatalogService, KeuzeQuery, MaatregelQuery } from '../catalog/index.js';
import { PositiveIntPipe } from '../infra/http/validation.js';
import { KnowledgeSearchService } from '../knowledge/index.js';
import { articleItem, totalText } from './page-format.js';

/** Articles a theme or keuze page lists; the rest are one link away in the knowledge base. */
const ARTICLES_PER_PAGE = 10;

/**
 * `/themas/{id}` and `/keuzes/{nummer}`: what the WBS catalog says about a theme or keuze (its
 * keuzes or theme, and the measures of the policy document) and its newest published articles,
 * through the same listing as /kennisbank. An unknown number is a 404 page, a malformed one 400.
 */
@ApiExcludeController()
@Controller()
export class CatalogPagesController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly search: KnowledgeSearchService,
  ) {}

  @Get('themas/:id')
  @Public()
  // The layout shows who is signed in.
  @Header('Cache-Control', 'no-store')
  async theme(@Param('id', PositiveIntPipe) id: number, @Res() reply: FastifyReply): Promise<void> {
    const theme = await this.catalog.getTheme(id);
    const [keuzes, maatregelen, articles] = await Promise.all([
      this.catalog.listKeuzes(Object.assign(new KeuzeQuery(), { themeId: id })),
      this.catalog.listMaatregelen(Object.assign(new MaatregelQuery(), { themeId: id })),
      this.search.latestPublished({ themeId: id }, ARTICLES_PER_PAGE),
    ]);
    await reply.view('thema.njk', {
      theme,
      keuzes: keuzes.data,
      maatregelen: maatregelen.data,
      articles: articles.data.map(articleItem),
      total: articles.total,
      totalText: totalText(articles.total, true),
      allHref: `/kennisbank?themeId=${id}`,
    });
  }

  // The parameter is not called `id`: the API's GET /api/v1/keuzes/:id has the same path, and the
  // exclusion from the API prefix (NON_API_ROUTES) names this route's pattern literally.
  @Get('keuzes/:nummer')
  @Public()
  @Header('Cache-Control', 'no-store')
  async keuze(@Param('nummer', PositiveIntPipe) id: number, @Res() reply: FastifyReply): Promise<void> {
    const keuze = await this.catalog.getKeuze(id);
    const [siblings, maatregelen, articles] = await Promise.all([
      this.catalog.listKeuzes(Object.assign(new KeuzeQuery(), { themeId: keuze.theme.id })),
      this.catalog.listMaatregelen(Object.assign(new MaatregelQuery(), { keuzeId: id })),
      this.search.latestPublished({ keuzeId: id }, ARTICLES_PER_PAGE),
    ]);
    await reply.view('keuze.njk', {
      keuze,
      otherKeuzes: siblings.data.filter((k) => k.id !== id),
      maatregelen: maatregelen.data,
      articles: articles.data.map(articleItem),
      total: articles.total,
      totalText: totalText(articles.total, true),
      allHref: `/kennisbank?keuzeId=${id}`,
    });
  }
}
