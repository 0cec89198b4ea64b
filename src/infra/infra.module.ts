import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthController } from './health/health.controller.js';
import { JobsModule } from './jobs/jobs.module.js';
import { RedisConnection } from './redis/redis.connection.js';

/**
 * What a process is for: `server` serves HTTP (and runs jobs unless WORKERS=false), `worker`
 * runs jobs only, `cli` runs one admin command: no workers, logs on stderr.
 */
export type ProcessRole = 'server' | 'worker' | 'cli';

/** Shared infrastructure: config, clock, logging, database, jobs, Redis and health. */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: AppConfig, role: ProcessRole = 'server'): DynamicModule {
    const providers: Provider[] = [{ provide: AppConfig, useValue: config }, Clock];
    if (config.redisUrl) providers.push({ provide: RedisConnection, useFactory: () => new RedisConnection(config.redisUrl!) });
    return {
      module: InfraModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        DatabaseModule,
        JobsModule.forRoot(config, role === 'cli' ? { runWorkers: false, workersForcedInProcess: false } : {}),
      ],
      controllers: [HealthController],
      providers,
      exports: [AppConfig, Clock, DatabaseModule, ...(config.redisUrl ? [RedisConnection] : [])],
    };
  }
}
