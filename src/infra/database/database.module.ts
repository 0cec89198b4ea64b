import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { dataSourceOptions, ensureDataDir } from './data-source.js';
import { Database } from './database.service.js';
import { runMigrationsLocked } from './migrator.js';
import { explainDatabaseError } from './preflight.js';

/** Opens the database and brings its schema up to date before any other module uses it. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        ensureDataDir(config);
        // A missing database or a refused user does not pass by retrying (preflight.ts).
        return { ...dataSourceOptions(config), toRetry: (error: unknown) => explainDatabaseError(error, config.databaseUrl) === null };
      },
      dataSourceFactory: async (options?: DataSourceOptions) => {
        const dataSource = await new DataSource(options!).initialize();
        const applied = await runMigrationsLocked(dataSource);
        if (applied.length > 0) {
          new Logger('Database').log(`Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
        }
        return dataSource;
      },
    }),
  ],
  providers: [Database],
  exports: [Database],
})
export class DatabaseModule {}
