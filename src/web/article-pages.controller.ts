import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../common/access.js';
import { ConflictError, DomainError, InvalidInputError } from '../common/domain-errors.js';
import { PageQuery } from '../common/pagination.js';
import { CurrentActor, CurrentPrincipal, type Principal } from '../accounts/index.js';
import type { AuditActor } from '../audit/index.js';
import { CatalogService } from '../catalog/index.js';
import { validateForm } from '../infra/http/forms.js';
import { UuidPipe } from '../infra/http/validation.js';
import { ARTICLE_AUTHOR_ROLES, ArticleQuery, type ArticleStaffDto, type ArticleStatus, type ArticleVersionAction, type ArticleVersionDto, KnowledgeSearchService, KnowledgeService, UpdateArticleDto } from '../knowledge/index.js';
import { type DiffPart, REMOVED_KIND_NAMES, markPlaceholders, replacementOf, wordDiff } from './article-diff.js';
import { ARTICLE_STATUS_TEXT, catalogView, dutchDate, totalText } from './page-format.js';
import { type PageError, type PageField, fieldErrors, pageErrors, textOf } from './page-form.js';

/** The statuses as the tabs name them and as their address says them. */
const STATUS_TABS: { slug: string; status: ArticleStatus | null; label: string }[] = [
  { slug: '', status: null, label: 'Alle' },
  { slug: 'concept', status: 'draft', label: 'Concept' },
  { slug: 'ter-beoordeling', status: 'in_review', label: 'Ter beoordeling' },
  { slug: 'gepubliceerd', status: 'published', label: 'Gepubliceerd' },
  { slug: 'gearchiveerd', status: 'archived', label: 'Gearchiveerd' },
];
const ACTION_TEXT: Record<ArticleVersionAction, string> = {
  created: 'Aangemaakt',
  updated: 'Bewerkt',
  submitted: 'Ter beoordeling aangeboden',
  returned: 'Teruggestuurd door het secretariaat',
  published: 'Gepubliceerd',
  archived: 'Gearchiveerd',
};
const FIELD_NAMES: Record<string, string> = {
  title: 'titel',
  question: 'vraag',
  answer: 'antwoord',
  keuzeIds: 'keuzes',
  relatedArticleIds: 'verwante artikelen',
  organisationType: 'soort organisatie',
};

/** The editor's fields by the API's names. */
const FIELDS: Record<string, PageField> = {
  title: { label: 'Titel', id: 'title' },
  question: { label: 'Vraag', id: 'question' },
  answer: { label: 'Antwoord', id: 'answer' },
  keuzeIds: { label: 'Keuzes', id: 'keuzes', reason: 'kies minstens één keuze' },
  relatedArticleIds: { label: 'Verwante artikelen', id: 'related', reason: 'noem alleen bestaande artikelen, elk één keer, en niet dit artikel zelf' },
  version: { label: 'Versie', id: 'title' },
};

const DONE: Record<string, string> = {
  opgeslagen: 'Het artikel is opgeslagen als nieuwe versie.',
  ingediend: 'Het artikel is ter beoordeling aangeboden aan het secretariaat.',
  concept: 'Er is een concept gemaakt van de vraag en het antwoord. Controleer de verwijderde persoonsgegevens.',
  bestaat: 'Van deze vraag bestaat al een artikel; u ziet dat artikel.',
};

const PAGE_SIZE = 20;
const VERSIONS_SHOWN = 100;
const UUID_IN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** What the editor holds: as stored, or as typed when the save was refused. */
interface EditorValues {
  title: string;
  question: string;
  answer: string;
  keuzeIds: number[];
  relatedArticleIds: string[];
  addRelated: string;
  version: string;
}

/**
 * `/artikelen`: the taskforce's articles by status with search, each article with its versions
 * and a word-by-word comparison, and the editor for drafts and articles in review. Thin: the
 * knowledge service (the API's `/articles`) decides; publishing stays with the secretariat's API.
 */
@ApiExcludeController()
@Controller('artikelen')
export class ArticlePagesController {
  constructor(
    private readonly articles: KnowledgeService,
    private readonly search: KnowledgeSearchService,
    private readonly catalog: CatalogService,
  ) {}

  @Get()
  @Roles(...ARTICLE_AUTHOR_ROLES)
  async list(@Query() raw: Record<string, unknown>, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    const slug = typeof raw.status === 'string' ? raw.status : '';
    const tab = STATUS_TABS.find((t) => t.slug === slug);
    if (!tab) throw new InvalidInputError([{ name: 'status', reason: 'kies concept, ter-beoordeling, gepubliceerd of gearchiveerd' }]);
    const q = typeof raw.q === 'string' ? raw.q.trim() : '';
    const query = await validateForm(ArticleQuery, { q: q || undefined, status: tab.status ?? undefined, page: raw.pagina ?? 1, pageSize: PAGE_SIZE }, { page: 'Pagina', q: 'Zoektekst' }).catch((error: unknown) => {
      if (error instanceof InvalidInputError) throw new InvalidInputError(error.invalidParams.map((p) => ({ ...p, name: p.name === 'page' ? 'pagina' : p.name })), error.message);
      throw error;
    });
    const [result, catalog] = await Promise.all([this.search.search(query, principal), catalogView(this.catalog)]);
    const { number, total } = result.page;
    const link = (params: { status?: string; q?: string; pagina?: number }) => {
      const search = new URLSearchParams();
      if (params.status) search.set('status', params.status);
      if (params.q) search.set('q', params.q);
      if (params.pagina && params.pagina > 1) search.set('pagina', String(params.pagina));
      const text = search.toString();
      return text ? `/artikelen?${text}` : '/artikelen';
    };
    reply.header('Cache-Control', 'no-store');
    await reply.view('artikelen.njk', {
      q,
      tabs: STATUS_TABS.map((t) => ({ label: t.label, href: link({ status: t.slug, q }), current: t.slug === tab.slug })),
      tab: { slug: tab.slug, label: tab.label },
      articles: result.data.map((a) => ({
        id: a.id,
        title: a.title,
        status: ARTICLE_STATUS_TEXT[a.status],
        keuzes: a.keuzeIds.map((k) => `Keuze ${k}`).join(', '),
        themes: a.themeIds.map((t) => catalog.theme(t)).join(', '),
        published: dutchDate(a.publishedAt),
        // The snippet is the search's HTML-escaped text with matches in <mark>.
        snippet: a.snippet,
      })),
      total: totalText(total, result.page.totalExact),
      count: total,
      pages: {
        number,
        last: Math.max(1, Math.ceil(total / PAGE_SIZE)),
        previous: number > 1 ? link({ status: tab.slug, q, pagina: number - 1 }) : null,
        next: number * PAGE_SIZE < total ? link({ status: tab.slug, q, pagina: number + 1 }) : null,
      },
    });
  }

  /** "Maak kennisartikel" from an answered question: a draft, anonymised, opened in the editor. */
  @Post('uit-vraag')
  @Roles(...ARTICLE_AUTHOR_ROLES)
  @HttpCode(200)
  async fromQuestion(@Body() body: Record<string, unknown> | undefined, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const questionId = textOf(body, 'questionId').trim().toLowerCase();
    if (!UUID_IN.test(questionId) || questionId.length !== 36) throw new InvalidInputError([{ name: 'questionId', reason: 'is geen geldige vraag' }]);
    try {
      const draft = await this.articles.createFromQuestion(questionId, principal, actor);
      reply.redirect(`/artikelen/${draft.id}/bewerken?gelukt=concept`, 303);
    } catch (error) {
      const existing = error instanceof ConflictError ? error.extensions.articleId : undefined;
      if (typeof existing !== 'string') throw error;
      reply.redirect(`/artikelen/${existing}?gelukt=bestaat`, 303);
    }
  }

  @Get(':id')
  @Roles(...ARTICLE_AUTHOR_ROLES)
  async show(
    @Param('id', UuidPipe) id: string,
    @Query('van') from: unknown,
    @Query('naar') to: unknown,
    @Query('gelukt') done: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const article = (await this.articles.get(id, principal)) as ArticleStaffDto;
    const [versions, catalog] = await Promise.all([this.articles.versions(id, Object.assign(new PageQuery(), { pageSize: VERSIONS_SHOWN })), catalogView(this.catalog)]);
    // Compare the chosen versions, by default the newest with the one before it.
    const byNumber = new Map(versions.data.map((v) => [v.version, v]));
    const newest = versions.data[0];
    const toVersion = byNumber.get(Number(to)) ?? newest;
    const fromVersion = byNumber.get(Number(from)) ?? byNumber.get(toVersion.version - 1) ?? null;
    reply.header('Cache-Control', 'no-store');
    await reply.view('artikel-beheer.njk', {
      a: article,
      flash: typeof done === 'string' ? (DONE[done] ?? null) : null,
      status: ARTICLE_STATUS_TEXT[article.status],
      editable: article.status === 'draft' || article.status === 'in_review',
      submittable: article.status === 'draft',
      keuzes: article.keuzeIds.map((k) => catalog.keuze(k)),
      created: dutchDate(article.createdAt),
      updated: dutchDate(article.updatedAt),
      published: dutchDate(article.publishedAt),
      removed: removedView(article),
      versions: versions.data.map((v) => ({
        version: v.version,
        action: ACTION_TEXT[v.action],
        when: dutchDate(v.changedAt),
        fields: v.changedFields.map((f) => FIELD_NAMES[f] ?? f).join(', '),
        compareHref: v.version > 1 ? `/artikelen/${id}?van=${v.version - 1}&naar=${v.version}#verschillen` : null,
        shown: v.version === toVersion.version,
        comment: v.snapshot.reviewComment ?? null,
      })),
      diff: fromVersion && fromVersion.version < toVersion.version ? compare(fromVersion, toVersion, catalog.keuze) : null,
      diffOptions: versions.data.map((v) => v.version),
      fromVersion: fromVersion?.version ?? null,
      toVersion: toVersion.version,
    });
  }

  @Get(':id/bewerken')
  @Roles(...ARTICLE_AUTHOR_ROLES)
  async edit(@Param('id', UuidPipe) id: string, @Query('gelukt') done: unknown, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    const article = (await this.articles.get(id, principal)) as ArticleStaffDto;
    await this.renderEditor(reply, principal, article, valuesOf(article), [], typeof done === 'string' ? (DONE[done] ?? null) : null);
  }

  @Post(':id/bewerken')
  @Roles(...ARTICLE_AUTHOR_ROLES)
  @HttpCode(200)
  async save(@Param('id', UuidPipe) id: string, @Body() body: Record<string, unknown> | undefined, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const typed = typedValues(body);
    try {
      const related = [...typed.relatedArticleIds];
      if (typed.addRelated.trim()) {
        const found = UUID_IN.exec(typed.addRelated)?.[0]?.toLowerCase();
        if (!found) throw new InvalidInputError([{ name: 'addRelated', reason: 'plak de link naar een artikel of de code van het artikel' }]);
        if (!related.includes(found)) related.push(found);
      }
      const input = await validateForm(
        UpdateArticleDto,
        {
          version: Number(typed.version) || undefined,
          title: typed.title,
          question: typed.question,
          answer: typed.answer,
          ...(typed.keuzeIds.length ? { keuzeIds: typed.keuzeIds } : {}),
          relatedArticleIds: related,
        },
        {},
      );
      if (!typed.keuzeIds.length) throw new InvalidInputError([{ name: 'keuzeIds', reason: 'kies minstens één keuze' }]);
      await this.articles.update(id, input, principal, actor);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404 || error.status === 403) throw error;
      reply.status(error.status);
      const article = (await this.articles.get(id, principal)) as ArticleStaffDto;
      const errors = pageErrors(error, { ...FIELDS, addRelated: { label: 'Verwant artikel toevoegen', id: 'addRelated' } });
      await this.renderEditor(reply, principal, article, typed, errors, null);
      return;
    }
    reply.redirect(`/artikelen/${id}?gelukt=opgeslagen`, 303);
  }

  @Post(':id/indienen')
  @Roles(...ARTICLE_AUTHOR_ROLES)
  @HttpCode(200)
  async submit(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    await this.articles.transition(id, 'submit', principal, actor);
    reply.redirect(`/artikelen/${id}?gelukt=ingediend`, 303);
  }

  private async renderEditor(reply: FastifyReply, principal: Principal, article: ArticleStaffDto, values: EditorValues, errors: PageError[], flash: string | null): Promise<void> {
    const catalog = await catalogView(this.catalog);
    // Titles of the related articles, for the checkboxes that keep or drop them.
    const related = await Promise.all(
      values.relatedArticleIds.map(async (relatedId) => {
        const found = await this.articles.get(relatedId, principal).catch(() => null);
        return { id: relatedId, title: found?.title ?? `Artikel ${relatedId}` };
      }),
    );
    reply.header('Cache-Control', 'no-store');
    await reply.view('artikel-bewerken.njk', {
      a: article,
      flash,
      status: ARTICLE_STATUS_TEXT[article.status],
      editable: article.status === 'draft' || article.status === 'in_review',
      values,
      errors,
      fieldErrors: fieldErrors(errors),
      removed: removedView(article),
      marked: {
        title: markPlaceholders(values.title),
        question: markPlaceholders(values.question),
        answer: markPlaceholders(values.answer),
      },
      related,
      themes: catalog.themes.map((t) => ({
        id: t.id,
        title: t.title,
        keuzes: t.keuzes.map((k) => ({ id: k.id, title: k.title, checked: values.keuzeIds.includes(k.id) })),
      })),
    });
  }
}

function valuesOf(a: ArticleStaffDto): EditorValues {
  return { title: a.title, question: a.question, answer: a.answer, keuzeIds: a.keuzeIds, relatedArticleIds: a.relatedArticleIds, addRelated: '', version: String(a.version) };
}

function typedValues(body: Record<string, unknown> | undefined): EditorValues {
  const list = (name: string) => ([] as unknown[]).concat(body?.[name] ?? []).filter((v): v is string => typeof v === 'string');
  return {
    title: textOf(body, 'title'),
    question: textOf(body, 'question'),
    answer: textOf(body, 'answer'),
    keuzeIds: list('keuzeIds').map(Number).filter((n) => Number.isInteger(n)),
    relatedArticleIds: list('relatedArticleIds').map((v) => v.toLowerCase()),
    addRelated: textOf(body, 'addRelated'),
    version: textOf(body, 'version'),
  };
}

/** Each removed personal datum with what replaced it, as the draft shows them. */
function removedView(a: ArticleStaffDto) {
  return a.removedPersonalData.map((item) => ({ kind: REMOVED_KIND_NAMES[item.kind], value: item.value, replacement: replacementOf(item.kind) }));
}

interface FieldDiff {
  label: string;
  /** The word diff, or null when the field changed too much to compare word by word. */
  parts: DiffPart[] | null;
  before: string;
  after: string;
}

/** The fields that differ between two versions, each as a word diff. */
function compare(from: ArticleVersionDto, to: ArticleVersionDto, keuze: (id: number) => string): FieldDiff[] {
  const texts = (v: ArticleVersionDto) => ({
    title: v.snapshot.title,
    question: v.snapshot.question,
    answer: v.snapshot.answer,
    keuzeIds: v.snapshot.keuzeIds.map(keuze).join('\n'),
    relatedArticleIds: v.snapshot.relatedArticleIds.join('\n'),
    status: ARTICLE_STATUS_TEXT[v.snapshot.status],
  });
  const before = texts(from);
  const after = texts(to);
  const labels: Record<keyof typeof before, string> = { title: 'Titel', question: 'Vraag', answer: 'Antwoord', keuzeIds: 'Keuzes', relatedArticleIds: 'Verwante artikelen', status: 'Status' };
  return (Object.keys(labels) as (keyof typeof before)[])
    .filter((field) => before[field] !== after[field])
    .map((field) => ({ label: labels[field], parts: wordDiff(before[field], after[field]), before: before[field], after: after[field] }));
}
