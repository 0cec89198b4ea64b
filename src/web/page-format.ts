import { ReferencePageQuery } from '../common/pagination.js';
import { type CatalogService, type KeuzeDto, KeuzeQuery, type ThemeDto } from '../catalog/index.js';
import type { ArticleHitDto, ArticleStatus } from '../knowledge/index.js';

const DUTCH_DATE = new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', day: 'numeric', month: 'long', year: 'numeric' });

/** "7 december 2026": a date as people in the Netherlands read it, on the day it is in Amsterdam. */
export function dutchDate(value: Date | string | null): string | null {
  return value === null ? null : DUTCH_DATE.format(new Date(value));
}

/** The total of a search as a sentence reads it: "meer dan 1.000" once counting stopped. */
export function totalText(total: number, totalExact: boolean | undefined): string {
  return totalExact === false ? `meer dan ${total.toLocaleString('nl-NL')}` : total.toLocaleString('nl-NL');
}

/** An article as the start, theme and keuze pages list it: title, link and Dutch publication date. */
export function articleItem(hit: ArticleHitDto): { id: string; title: string; href: string; published: string | null } {
  return { id: hit.id, title: hit.title, href: `/kennisbank/${hit.id}`, published: dutchDate(hit.publishedAt) };
}

/** The WBS catalog as the pages show it: the 8 themes with their keuzes, and names by id. */
export interface CatalogView {
  themes: (ThemeDto & { keuzes: KeuzeDto[] })[];
  /** "Bodem", or "Thema 9" for an id the catalog does not know. */
  theme(id: number): string;
  /** "Keuze 21: Water en bodem sturend bij keuzes woningbouwlocaties", or "Keuze 99". */
  keuze(id: number): string;
}

/** Reads the catalog once for a page (the catalog service serves it from memory). */
export async function catalogView(catalog: CatalogService): Promise<CatalogView> {
  const [themes, keuzes] = await Promise.all([catalog.listThemes(new ReferencePageQuery()), catalog.listKeuzes(new KeuzeQuery())]);
  const themeTitle = new Map(themes.data.map((t) => [t.id, t.title]));
  const keuzeTitle = new Map(keuzes.data.map((k) => [k.id, k.title]));
  return {
    themes: themes.data.map((theme) => ({ ...theme, keuzes: keuzes.data.filter((k) => k.theme.id === theme.id) })),
    theme: (id) => themeTitle.get(id) ?? `Thema ${id}`,
    keuze: (id) => (keuzeTitle.has(id) ? `Keuze ${id}: ${keuzeTitle.get(id)}` : `Keuze ${id}`),
  };
}

/** An article's status in words, as staff read it on the article pages and the knowledge base. */
export const ARTICLE_STATUS_TEXT: Record<ArticleStatus, string> = {
  draft: 'concept',
  in_review: 'ter beoordeling',
  published: 'gepubliceerd',
  archived: 'gearchiveerd',
};
