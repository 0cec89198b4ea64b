import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Public, Roles } from '../common/access.js';
import { PageQuery } from '../common/pagination.js';
import type { AuditActor } from '../audit/index.js';
import { CurrentActor, CurrentPrincipal, type Principal } from '../accounts/index.js';
import { ApiPageResponse } from '../infra/http/openapi.decorators.js';
import { UuidPipe } from '../infra/http/validation.js';
import {
  ArticlePublicDto,
  ArticleQuery,
  ArticleReferenceDto,
  ArticleSearchResultDto,
  ArticleStaffDto,
  ArticleVersionDto,
  CreateArticleDto,
  GapDto,
  SendBackArticleDto,
  GapQuery,
  MostOpenedArticleDto,
  MostOpenedQuery,
  SuggestionQuery,
  SuggestionsDto,
  UpdateArticleDto,
} from './knowledge.dto.js';
import { ARTICLE_AUTHOR_ROLES, KnowledgeService } from './knowledge.service.js';
import { KnowledgeSearchService } from './knowledge-search.service.js';

const ID_PARAM = { name: 'id', description: 'Article id.', schema: { type: 'string', format: 'uuid' } } as const;

@ApiTags('knowledge')
@ApiExtraModels(ArticlePublicDto, ArticleStaffDto)
@Controller('articles')
export class ArticlesController {
  constructor(
    private readonly articles: KnowledgeService,
    private readonly search: KnowledgeSearchService,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Search the knowledge base (with q, by relevance) or list it (without q, most recent first). Readers see published articles only.' })
  @ApiOkResponse({ type: ArticleSearchResultDto, description: 'One page of articles, facets over all matches, and the search id.' })
  list(@Query() query: ArticleQuery, @CurrentPrincipal() principal?: Principal) {
    return this.search.search(query, principal);
  }

  @Get('most-opened')
  @Public()
  @ApiOperation({
    summary: 'The published articles opened most often in the last days (default 30), most opens first.',
    description: 'Opens are counted per article and day, without identity: each article page a reader opens and each GET /articles/{id} of a published article counts once.',
  })
  @ApiPageResponse(MostOpenedArticleDto, 'Articles with their number of opens (`snippet` is the start of the question, `matchedTerms` null).')
  mostOpened(@Query() query: MostOpenedQuery) {
    return this.search.mostOpened(query);
  }

  @Get('suggestions')
  @Public()
  @ApiOperation({ summary: 'The published articles most similar to a question being drafted.' })
  @ApiOkResponse({ type: SuggestionsDto, description: 'At most 5 articles, best first, and the suggestion id.' })
  suggestions(@Query() query: SuggestionQuery) {
    return this.search.suggestions(query.text);
  }

  @Post('suggestions/:suggestionId/opened')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Report that one of the suggested articles was opened.' })
  @ApiParam({ name: 'suggestionId', description: 'Id from GET /articles/suggestions.', schema: { type: 'string', format: 'uuid' } })
  @ApiNoContentResponse({ description: 'Recorded.' })
  suggestionOpened(@Param('suggestionId', UuidPipe) suggestionId: string, @Body() body: ArticleReferenceDto) {
    return this.search.suggestionOpened(suggestionId, body.articleId.toLowerCase());
  }

  @Post('searches/:searchId/clicks')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Report that a search result was opened (search analytics, without identity).' })
  @ApiParam({ name: 'searchId', description: 'The `meta.searchId` of the search.', schema: { type: 'string', format: 'uuid' } })
  @ApiNoContentResponse({ description: 'Recorded.' })
  searchClicked(@Param('searchId', UuidPipe) searchId: string, @Body() body: ArticleReferenceDto) {
    return this.search.searchClicked(searchId, body.articleId.toLowerCase());
  }

  @Get(':id')
  @Public()
  @ApiOperation({
    summary: 'One article: readers get published articles with the public fields, staff every article with all fields.',
    description: 'Fetching a published article counts as an open for GET /articles/most-opened.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ description: 'The article.', schema: { oneOf: [{ $ref: getSchemaPath(ArticlePublicDto) }, { $ref: getSchemaPath(ArticleStaffDto) }] } })
  async get(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal?: Principal) {
    const article = await this.articles.get(id, principal);
    await this.search.recordOpenOf(article);
    return article;
  }

  @Get(':id/versions')
  @Roles(...ARTICLE_AUTHOR_ROLES)
  @ApiOperation({ summary: 'Version history of an article: who changed what when, with a snapshot per version.' })
  @ApiParam(ID_PARAM)
  @ApiPageResponse(ArticleVersionDto, 'Versions, newest first.')
  versions(@Param('id', UuidPipe) id: string, @Query() query: PageQuery) {
    return this.articles.versions(id, query);
  }

  @Post()
  @Roles(...ARTICLE_AUTHOR_ROLES)
  @ApiOperation({ summary: 'Start an article: from an answered question ({ questionId }, anonymised) or from scratch ({ title, question, answer, keuzeIds }).' })
  @ApiBody({ type: CreateArticleDto })
  @ApiCreatedResponse({ type: ArticleStaffDto, description: 'The new draft; `removedPersonalData` lists what the anonymiser took out.' })
  create(@Body() body: CreateArticleDto, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor) {
    return this.articles.create(body, principal, actor);
  }

  @Patch(':id')
  @Roles(...ARTICLE_AUTHOR_ROLES)
  @ApiOperation({ summary: 'Change a draft or an article in review (anonymised again; a new version).' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ArticleStaffDto, description: 'The changed article.' })
  update(@Param('id', UuidPipe) id: string, @Body() body: UpdateArticleDto, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor) {
    return this.articles.update(id, body, principal, actor);
  }

  @Post(':id/submit')
  @Roles(...ARTICLE_AUTHOR_ROLES)
  @HttpCode(200)
  @ApiOperation({ summary: 'Offer a draft for review (draft → in_review).' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ArticleStaffDto, description: 'The article, now in review.' })
  submit(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor) {
    return this.articles.transition(id, 'submit', principal, actor);
  }

  @Post(':id/publish')
  @Roles('secretariat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish an article in review (secretariat; never by its last author).' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ArticleStaffDto, description: 'The published article.' })
  publish(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor) {
    return this.articles.transition(id, 'publish', principal, actor);
  }

  @Post(':id/send-back')
  @Roles('secretariat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send an article in review back to its author as a draft, with a comment (secretariat).' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ArticleStaffDto, description: 'The article, a draft again.' })
  sendBack(@Param('id', UuidPipe) id: string, @Body() body: SendBackArticleDto, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor) {
    return this.articles.transition(id, 'sendBack', principal, actor, body.comment.trim());
  }

  @Post(':id/archive')
  @Roles('secretariat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Archive a published article (secretariat).' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ArticleStaffDto, description: 'The archived article.' })
  archive(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor) {
    return this.articles.transition(id, 'archive', principal, actor);
  }
}

@ApiTags('knowledge')
@Controller('knowledge')
export class KnowledgeController {
  constructor(private readonly search: KnowledgeSearchService) {}

  @Get('gaps')
  @Roles('secretariat')
  @ApiOperation({ summary: 'What to write next: frequent searches that found nothing, only partial matches, or that nobody opened, per theme.' })
  @ApiPageResponse(GapDto, 'Groups of searches, most frequent gaps first.')
  gaps(@Query() query: GapQuery) {
    return this.search.gaps(query);
  }
}
