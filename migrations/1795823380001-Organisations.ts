import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { organisationSearchText } from '../src/organisations/organisation-search.js';
import { foldText } from '../src/common/text.js';
import { insertRows, readSeed } from './support.js';

interface OrganisationSeed {
  organisations: {
    code: string;
    type: string;
    name: string;
    shortName?: string | null;
    provinceCode: string | null;
    tooiId?: string | null;
    aliases: string[];
    validFrom: string;
    validTo: string | null;
  }[];
}

/** Dutch government organisations from `data/organisations.json` (sources in `data/SOURCES.md`). */
export class Organisations1795823380001 implements MigrationInterface {
  name = 'Organisations1795823380001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'organisations',
        columns: [
          { name: 'code', type: 'varchar', length: '20', isPrimary: true },
          { name: 'type', type: 'varchar', length: '30' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'short_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'province_code', type: 'varchar', length: '10', isNullable: true },
          { name: 'tooi_id', type: 'varchar', length: '200', isNullable: true },
          { name: 'aliases', type: 'text' },
          { name: 'search_name', type: 'varchar', length: '200' },
          { name: 'search_text', type: 'text' },
          { name: 'valid_from', type: 'date' },
          { name: 'valid_to', type: 'date', isNullable: true },
        ],
        indices: [new TableIndex({ columnNames: ['type'] }), new TableIndex({ columnNames: ['province_code'] })],
      }),
    );
    const seed = readSeed<OrganisationSeed>('organisations.json');
    await insertRows(
      runner,
      'organisations',
      seed.organisations.map((o) => ({
        code: o.code,
        type: o.type,
        name: o.name,
        short_name: o.shortName ?? null,
        province_code: o.provinceCode,
        tooi_id: o.tooiId ?? null,
        aliases: JSON.stringify(o.aliases),
        search_name: foldText(o.name),
        search_text: organisationSearchText(o.name, o.aliases),
        valid_from: o.validFrom,
        valid_to: o.validTo,
      })),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('organisations');
  }
}
