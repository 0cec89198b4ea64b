import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { Clock, amsterdamDay } from '../common/clock.js';
import { NotFoundError } from '../common/domain-errors.js';
import { Page, pageOf } from '../common/pagination.js';
import { foldText } from '../common/text.js';
import { Organisation } from './organisation.entity.js';
import { OrganisationDto, OrganisationQuery } from './organisation.dto.js';

@Injectable()
export class OrganisationsService {
  constructor(
    @InjectRepository(Organisation) private readonly organisations: Repository<Organisation>,
    private readonly clock: Clock,
  ) {}

  async list(query: OrganisationQuery): Promise<Page<OrganisationDto>> {
    const validOn = query.validOn ?? amsterdamDay(this.clock.now());
    const qb = this.organisations
      .createQueryBuilder('o')
      .where('o.valid_from <= :validOn', { validOn })
      .andWhere(new Brackets((w) => w.where('o.valid_to IS NULL').orWhere('o.valid_to >= :validOn', { validOn })));
    if (query.type) qb.andWhere('o.type = :type', { type: query.type });
    const folded = query.q === undefined ? '' : foldText(query.q);
    if (folded) {
      // Folded text holds only [a-z0-9 ], so it cannot contain LIKE wildcards.
      qb.andWhere('o.search_text LIKE :contains', { contains: `%${folded}%` })
        .addSelect(
          `CASE WHEN o.search_name = :exact THEN 0 WHEN o.search_text LIKE :exactAlias THEN 1 WHEN o.search_text LIKE :prefix THEN 2 ELSE 3 END`,
          'rank',
        )
        .setParameters({ exact: folded, exactAlias: `%| ${folded} |%`, prefix: `%| ${folded}%` })
        .orderBy('rank', 'ASC');
    }
    qb.addOrderBy('o.name', 'ASC').addOrderBy('o.code', 'ASC').offset(query.offset).limit(query.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return pageOf(rows.map(OrganisationDto.from), total, query);
  }

  async get(code: string): Promise<OrganisationDto> {
    return OrganisationDto.from(await this.find(code));
  }

  async find(code: string): Promise<Organisation> {
    const organisation = await this.organisations.findOneBy({ code: code.toUpperCase() });
    if (!organisation) throw new NotFoundError('Organisatie', code);
    return organisation;
  }

  async exists(code: string): Promise<boolean> {
    return this.organisations.existsBy({ code: code.toUpperCase() });
  }
}

