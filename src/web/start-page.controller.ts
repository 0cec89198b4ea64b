import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/access.js';
import { CatalogService } from '../catalog/index.js';
import { KnowledgeSearchService, MostOpenedQuery } from '../knowledge/index.js';
import { articleItem, catalogView } from './page-format.js';

/** Articles in each of the start page's lists. */
const LISTED = 5;

/**
 * `/`: the way in — search the knowledge base, browse the 8 themes and their 33 keuzes, the newest
 * and the most opened articles, and ask the taskforce. The same for everyone (published articles
 * only), apart from the sign-in box.
 */
@ApiExcludeController()
@Controller()
export class StartPageController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly search: KnowledgeSearchService,
  ) {}

  @Get()
  @Public()
  // Shows who is signed in.
  @Header('Cache-Control', 'no-store')
  async start(@Res() reply: FastifyReply): Promise<void> {
    const [catalog, recent, mostOpened] = await Promise.all([
      catalogView(this.catalog),
      this.search.latestPublished({}, LISTED),
      this.search.mostOpened(Object.assign(new MostOpenedQuery(), { pageSize: LISTED })),
    ]);
    await reply.view('start.njk', {
      themes: catalog.themes,
      recent: recent.data.map(articleItem),
      mostOpened: mostOpened.data.map(articleItem),
    });
  }
}
