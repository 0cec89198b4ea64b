import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonColumn } from '../infra/database/columns.js';
import type { OrganisationType } from './organisation-types.js';

/**
 * A Dutch government organisation that may ask questions. Municipalities merge every year, so
 * each row has a validity period; old organisations stay for the statistics of their questions.
 */
@Entity('organisations')
export class Organisation {
  /** CBS code (GM0363, PV27), TOOI-based water board code (WS0653) or our own code for others. */
  @PrimaryColumn('varchar', { length: 20 })
  code: string;

  @Index()
  @Column('varchar', { length: 30 })
  type: OrganisationType;

  @Column('varchar', { length: 200 })
  name: string;

  @Column('varchar', { length: 200, nullable: true })
  shortName: string | null;

  @Index()
  @Column('varchar', { length: 10, nullable: true })
  provinceCode: string | null;

  @Column('varchar', { length: 200, nullable: true })
  tooiId: string | null;

  @JsonColumn()
  aliases: string[];

  /** Folded name, for exact-match ranking. */
  @Column('varchar', { length: 200 })
  searchName: string;

  /** Folded name and aliases, " | "-separated, matched with LIKE. */
  @Column('text')
  searchText: string;

  @Column('date')
  validFrom: string;

  @Column('date', { nullable: true })
  validTo: string | null;
}
