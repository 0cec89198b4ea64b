import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobHandler } from '../infra/jobs/job-handler.decorator.js';
import { JobName } from '../infra/jobs/job-names.js';
import { Reconciler, type PendingWork } from '../infra/jobs/reconciler.js';
import { StatisticsCells } from './statistics-cells.js';

/**
 * Background upkeep of the statistics cells: the reconciler finds days marked dirty and the job
 * recomputes them, so statistics requests seldom have days left to recompute themselves.
 */
@Injectable()
export class StatisticsJobs implements OnModuleInit {
  constructor(
    private readonly cells: StatisticsCells,
    private readonly reconciler: Reconciler,
  ) {}

  onModuleInit(): void {
    this.reconciler.register({ name: 'statistics.cells', findPending: () => this.findPending() });
  }

  async findPending(): Promise<PendingWork[]> {
    return (await this.cells.hasMarkedDays()) ? [{ job: JobName.RefreshStatistics, payload: {}, key: 'statistics-cells' }] : [];
  }

  @JobHandler(JobName.RefreshStatistics)
  async refresh(): Promise<void> {
    await this.cells.refresh();
  }
}
