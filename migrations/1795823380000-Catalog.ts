import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { insertRows, readSeed } from './support.js';

interface CatalogSeed {
  themes: { id: number; title: string }[];
  keuzes: { id: number; themeId: number; title: string }[];
  maatregelen: {
    code: string;
    title: string;
    themeId: number;
    borging: string | null;
    nextStep: string | null;
    followUp: string | null;
    keuzeId: number | null;
  }[];
}

/** The WBS catalog: 8 themes, 33 keuzes and the measures of section 4, from `data/wbs-catalog.json`. */
export class Catalog1795823380000 implements MigrationInterface {
  name = 'Catalog1795823380000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'themes',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'title', type: 'varchar', length: '200' },
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'keuzes',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'title', type: 'varchar', length: '300' },
          { name: 'theme_id', type: 'integer' },
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ['theme_id'], referencedTableName: 'themes', referencedColumnNames: ['id'] })],
        indices: [new TableIndex({ columnNames: ['theme_id'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'maatregelen',
        columns: [
          { name: 'code', type: 'varchar', length: '20', isPrimary: true },
          { name: 'position', type: 'integer' },
          { name: 'title', type: 'text' },
          { name: 'theme_id', type: 'integer' },
          { name: 'borging', type: 'text', isNullable: true },
          { name: 'next_step', type: 'text', isNullable: true },
          { name: 'follow_up', type: 'text', isNullable: true },
          { name: 'keuze_id', type: 'integer', isNullable: true },
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['theme_id'], referencedTableName: 'themes', referencedColumnNames: ['id'] }),
          new TableForeignKey({ columnNames: ['keuze_id'], referencedTableName: 'keuzes', referencedColumnNames: ['id'] }),
        ],
        indices: [new TableIndex({ columnNames: ['theme_id'] }), new TableIndex({ columnNames: ['keuze_id'] })],
      }),
    );

    const seed = readSeed<CatalogSeed>('wbs-catalog.json');
    await insertRows(runner, 'themes', seed.themes.map((t) => ({ id: t.id, title: t.title })));
    await insertRows(runner, 'keuzes', seed.keuzes.map((k) => ({ id: k.id, title: k.title, theme_id: k.themeId })));
    await insertRows(
      runner,
      'maatregelen',
      seed.maatregelen.map((m, index) => ({
        code: m.code,
        position: index + 1,
        title: m.title,
        theme_id: m.themeId,
        borging: m.borging,
        next_step: m.nextStep,
        follow_up: m.followUp,
        keuze_id: m.keuzeId,
      })),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('maatregelen');
    await runner.dropTable('keuzes');
    await runner.dropTable('themes');
  }
}
