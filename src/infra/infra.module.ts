import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthController } from './health/health.controller.js';
import { JobsModule } from './jobs/jobs.module.js';
import { RedisConnection } from './redis/redis.connection.js';
import { loggerOptions } from './logging.js';

/** Shared infrastructure: config, clock, logging, database, Redis and health. */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers: Provider[] = [{ provide: AppConfig, useValue: config }, Clock];
    if (config.redisUrl) providers.push({ provide: RedisConnection, useFactory: () => new RedisConnection(config.redisUrl!) });
    return {
      module: InfraModule,
      imports: [LoggerModule.forRoot(loggerOptions(config)), TerminusModule.forRoot({ logger: false }), DatabaseModule, JobsModule.forRoot(config)],
      controllers: [HealthController],
      providers,
      exports: [AppConfig, Clock, DatabaseModule, ...(config.redisUrl ? [RedisConnection] : [])],
    };
  }
}
