import { MigrationInterface, QueryRunner } from 'typeorm';
import { createCellsSchema, dropCellsSchema } from '../src/statistics/cells-schema.js';

/**
 * Pre-aggregated statistics per day, organisation type, province and group, kept current by
 * triggers that mark changed days (see src/statistics/cells-schema.ts). Every existing day starts
 * dirty, so the first refresh after this migration fills the cells.
 */
export class StatisticsCells1795823380070 implements MigrationInterface {
  name = 'StatisticsCells1795823380070';

  async up(runner: QueryRunner): Promise<void> {
    await createCellsSchema(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropCellsSchema(runner);
  }
}
