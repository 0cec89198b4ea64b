import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import sqlite3 from 'sqlite3';
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
    driver: QUIET_SQLITE3,
  };
}

/**
 * sqlite3 as TypeORM loads it, minus "verbose" mode: TypeORM calls `driver.verbose()`, which wraps
 * every sqlite3 call to capture a stack trace and `util.inspect` its SQL and parameters — about a
 * tenth of the server's CPU under write load (docs/benchmarks.md, "Intake"). Errors still carry
 * SQLite's message, and TypeORM's QueryFailedError the query and its parameters.
 */
const QUIET_SQLITE3: typeof sqlite3 = Object.create(sqlite3, { verbose: { value: () => QUIET_SQLITE3 } });

export function ensureDataDir(config: AppConfig): void {
  mkdirSync(config.dataPath, { recursive: true });
}

export function createDataSource(config: AppConfig): DataSource {
  ensureDataDir(config);
  return new DataSource(dataSourceOptions(config));
}
