import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { NotFoundError } from '../common/domain-errors.js';
import { Page, pageOf, ReferencePageQuery } from '../common/pagination.js';
import { Keuze, Maatregel, Theme } from './catalog.entities.js';
import { KeuzeDto, KeuzeQuery, MaatregelDto, MaatregelQuery, ThemeDto } from './catalog.dto.js';

interface CatalogSnapshot {
  themes: ThemeDto[];
  keuzes: KeuzeDto[];
  maatregelen: (MaatregelDto & { position: number })[];
}

/**
 * Read-only access to the WBS catalog. It is seeded by migration and changes only with the
 * policy (a new migration and a restart), so it is read from the database once and served from
 * memory: catalog reads are the most frequent public requests.
 */
@Injectable()
export class CatalogService {
  private snapshot?: Promise<CatalogSnapshot>;

  constructor(
    @InjectRepository(Theme) private readonly themes: Repository<Theme>,
    @InjectRepository(Keuze) private readonly keuzes: Repository<Keuze>,
    @InjectRepository(Maatregel) private readonly maatregelen: Repository<Maatregel>,
  ) {}

  private load(): Promise<CatalogSnapshot> {
    this.snapshot ??= (async () => {
      const [themes, keuzes, maatregelen] = await Promise.all([
        this.themes.find({ order: { id: 'ASC' } }),
        this.keuzes.find({ relations: { theme: true }, order: { id: 'ASC' } }),
        this.maatregelen.find({ relations: { theme: true }, order: { position: 'ASC' } }),
      ]);
      return {
        themes: themes.map(ThemeDto.from),
        keuzes: keuzes.map(KeuzeDto.from),
        maatregelen: maatregelen.map((m) => ({ ...MaatregelDto.from(m), position: m.position })),
      };
    })().catch((error: unknown) => {
      this.snapshot = undefined; // try again on the next request
      throw error;
    });
    return this.snapshot;
  }

  async listThemes(query: ReferencePageQuery): Promise<Page<ThemeDto>> {
    return page((await this.load()).themes, query);
  }

  async listKeuzes(query: KeuzeQuery): Promise<Page<KeuzeDto>> {
    const { keuzes } = await this.load();
    return page(query.themeId === undefined ? keuzes : keuzes.filter((k) => k.theme.id === query.themeId), query);
  }

  async getTheme(id: number): Promise<ThemeDto> {
    const theme = (await this.load()).themes.find((t) => t.id === id);
    if (!theme) throw new NotFoundError('Thema', id);
    return theme;
  }

  async getKeuze(id: number): Promise<KeuzeDto> {
    const keuze = (await this.load()).keuzes.find((k) => k.id === id);
    if (!keuze) throw new NotFoundError('Keuze', id);
    return keuze;
  }

  async listMaatregelen(query: MaatregelQuery): Promise<Page<MaatregelDto>> {
    const matching = (await this.load()).maatregelen.filter(
      (m) => (query.themeId === undefined || m.theme.id === query.themeId) && (query.keuzeId === undefined || m.keuzeId === query.keuzeId),
    );
    return page(matching.map(({ position: _position, ...m }) => m), query);
  }

  /** The ids among `ids` that are not keuzes; used by later modules to validate input. */
  async unknownKeuzeIds(ids: number[]): Promise<number[]> {
    const known = new Set((await this.load()).keuzes.map((k) => k.id));
    return ids.filter((id) => !known.has(id));
  }
}

function page<T>(items: T[], query: ReferencePageQuery): Page<T> {
  return pageOf(items.slice(query.offset, query.offset + query.pageSize), items.length, query);
}
