import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { NotFoundError } from '../common/domain-errors.js';
import { Page, pageOf, ReferencePageQuery } from '../common/pagination.js';
import { Keuze, Maatregel, Theme } from './catalog.entities.js';
import { KeuzeDto, KeuzeQuery, MaatregelDto, MaatregelQuery, ThemeDto } from './catalog.dto.js';

/** Read-only access to the WBS catalog (seeded by migration; it changes only with the policy). */
@Injectable()
export class CatalogService {
  constructor(
    @InjectRepository(Theme) private readonly themes: Repository<Theme>,
    @InjectRepository(Keuze) private readonly keuzes: Repository<Keuze>,
    @InjectRepository(Maatregel) private readonly maatregelen: Repository<Maatregel>,
  ) {}

  async listThemes(query: ReferencePageQuery): Promise<Page<ThemeDto>> {
    const [rows, total] = await this.themes.findAndCount({ order: { id: 'ASC' }, skip: query.offset, take: query.pageSize });
    return pageOf(rows.map(ThemeDto.from), total, query);
  }

  async listKeuzes(query: KeuzeQuery): Promise<Page<KeuzeDto>> {
    const [rows, total] = await this.keuzes.findAndCount({
      where: query.themeId === undefined ? {} : { themeId: query.themeId },
      relations: { theme: true },
      order: { id: 'ASC' },
      skip: query.offset,
      take: query.pageSize,
    });
    return pageOf(rows.map(KeuzeDto.from), total, query);
  }

  async getKeuze(id: number): Promise<KeuzeDto> {
    const keuze = await this.keuzes.findOne({ where: { id }, relations: { theme: true } });
    if (!keuze) throw new NotFoundError('Keuze', id);
    return KeuzeDto.from(keuze);
  }

  async listMaatregelen(query: MaatregelQuery): Promise<Page<MaatregelDto>> {
    const where: Partial<Record<'themeId' | 'keuzeId', number>> = {};
    if (query.themeId !== undefined) where.themeId = query.themeId;
    if (query.keuzeId !== undefined) where.keuzeId = query.keuzeId;
    const [rows, total] = await this.maatregelen.findAndCount({
      where,
      relations: { theme: true },
      order: { position: 'ASC' },
      skip: query.offset,
      take: query.pageSize,
    });
    return pageOf(rows.map(MaatregelDto.from), total, query);
  }

  /** The ids among `ids` that are not keuzes; used by later modules to validate input. */
  async unknownKeuzeIds(ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const found = await this.keuzes.find({ select: { id: true }, where: { id: In(ids) } });
    const known = new Set(found.map((k) => k.id));
    return ids.filter((id) => !known.has(id));
  }
}
