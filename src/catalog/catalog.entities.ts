import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** One of the 8 WBS themes, numbered in the order of the policy document. */
@Entity('themes')
export class Theme {
  @PrimaryColumn('integer')
  id: number;

  @Column('varchar', { length: 200 })
  title: string;
}

/** One of the 33 structuring choices (structurerende keuzes). */
@Entity('keuzes')
export class Keuze {
  @PrimaryColumn('integer')
  id: number;

  @Column('varchar', { length: 300 })
  title: string;

  @Index()
  @Column('integer')
  themeId: number;

  @ManyToOne(() => Theme, { nullable: false })
  @JoinColumn({ name: 'theme_id' })
  theme: Theme;
}

/** A measure (maatregel) from section 4 of the policy document. */
@Entity('maatregelen')
export class Maatregel {
  @PrimaryColumn('varchar', { length: 20 })
  code: string;

  /** Order in the policy document, so lists read like the source. */
  @Column('integer')
  position: number;

  @Column('text')
  title: string;

  @Index()
  @Column('integer')
  themeId: number;

  @ManyToOne(() => Theme, { nullable: false })
  @JoinColumn({ name: 'theme_id' })
  theme: Theme;

  @Column('text', { nullable: true })
  borging: string | null;

  @Column('text', { nullable: true })
  nextStep: string | null;

  @Column('text', { nullable: true })
  followUp: string | null;

  @Index()
  @Column('integer', { nullable: true })
  keuzeId: number | null;
}
