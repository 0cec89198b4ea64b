import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { MIGRATIONS } from '../../../migrations/index.js';
import { ENTITIES } from './entities.js';
import { SnakeNamingStrategy } from './naming.js';
import { useDriverColumnTypes } from './columns.js';

/**
 * The one description of Vraagbaak's database, used by the app (TypeOrmModule), the admin
 * CLI and the TypeORM CLI (`npm run migration:generate`, through `typeorm-cli.ts`). `synchronize` stays off: the schema
 * only changes through migrations.
 */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  useDriverColumnTypes(config.databaseKind);
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: false,
  } as const;
  if (config.databaseKind === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: config.databaseUrl,
      poolSize: config.databasePoolSize,
      applicationName: 'vraagbaak',
    };
  }
  return {
    ...common,
    type: 'sqlite',
    database: config.sqlitePath,
    enableWAL: true,
    busyTimeout: config.sqliteBusyTimeoutMs,
  };
}

export function ensureDataDir(config: AppConfig): void {
  mkdirSync(config.dataPath, { recursive: true });
}

export function createDataSource(config: AppConfig): DataSource {
  ensureDataDir(config);
  return new DataSource(dataSourceOptions(config));
}
