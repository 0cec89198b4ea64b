import {
  BeforeApplicationShutdown,
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
  Provider,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { AppConfig } from '../../config/app-config.js';
import { BullMqJobQueue } from './bullmq-job-queue.js';
import { InProcessJobQueue } from './in-process-job-queue.js';
import { JobQueue } from './job-queue.js';
import { JobHandlerRegistry, JobsExplorer } from './jobs-explorer.js';
import { JOBS_OPTIONS, JobRunner, resolveJobsOptions, type JobsOptions } from './jobs.options.js';
import { Reconciler } from './reconciler.js';

/**
 * Starts and stops the job machinery in a fixed order, whatever order Nest calls providers in:
 * boot — discover handlers (fail on a missing or duplicate one), start workers, start the
 * reconciler; shutdown — stop the reconciler, let running jobs finish (before the database
 * closes in `onApplicationShutdown`), then close the queue.
 */
@Injectable()
class JobsLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly explorer: JobsExplorer,
    private readonly runner: JobRunner,
    private readonly reconciler: Reconciler,
    @Inject(JOBS_OPTIONS) private readonly options: JobsOptions,
  ) {}

  onModuleInit(): void {
    this.explorer.explore();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.workersForcedInProcess) {
      this.logger.warn('WORKERS=false without REDIS_URL: jobs still run in this process, as no other process could run them');
    }
    if (!this.options.runWorkers) {
      this.logger.log('WORKERS=false: this process only enqueues jobs; run them with `npm run start:worker`');
      return;
    }
    await this.runner.startWorkers();
    this.reconciler.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.reconciler.stop();
    await this.runner.stopWorkers();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.close();
  }
}

/**
 * Background jobs: `JobQueue` (BullMQ when REDIS_URL is set, in-process otherwise), handler
 * discovery (`@JobHandler`) and the `Reconciler`. Global, so feature modules inject `JobQueue`
 * and `Reconciler` without importing anything.
 */
@Global()
@Module({})
export class JobsModule {
  /** `overrides` are for tests: job names to check, backoff, BullMQ prefix. */
  static forRoot(config: AppConfig, overrides: Partial<JobsOptions> = {}): DynamicModule {
    const options = resolveJobsOptions(config, overrides);
    const implementation = options.redisUrl ? BullMqJobQueue : InProcessJobQueue;
    const providers: Provider[] = [
      { provide: JOBS_OPTIONS, useValue: options },
      JobHandlerRegistry,
      JobsExplorer,
      implementation,
      { provide: JobRunner, useExisting: implementation },
      { provide: JobQueue, useExisting: implementation },
      Reconciler,
      JobsLifecycle,
    ];
    return {
      module: JobsModule,
      global: true,
      imports: [DiscoveryModule],
      providers,
      // The concrete class too: tests reach InProcessJobQueue.drain() through it.
      exports: [JobQueue, Reconciler, implementation],
    };
  }
}
