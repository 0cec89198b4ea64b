import { Injectable, OnModuleInit } from '@nestjs/common';
import { Database } from '../infra/database/database.service.js';
import { JobHandler } from '../infra/jobs/job-handler.decorator.js';
import { JobName } from '../infra/jobs/job-names.js';
import { Reconciler, type PendingWork } from '../infra/jobs/reconciler.js';
import { DIRTY_TABLE } from './cells-schema.js';
import { StatisticsCells } from './statistics-cells.js';

/**
 * Background upkeep of the statistics cells: the reconciler finds days marked dirty and the job
 * recomputes them, so statistics requests seldom have days left to recompute themselves.
 */
@Injectable()
export class StatisticsJobs implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly cells: StatisticsCells,
    private readonly reconciler: Reconciler,
  ) {}

  onModuleInit(): void {
    this.reconciler.register({ name: 'statistics.cells', findPending: () => this.findPending() });
  }

  async findPending(): Promise<PendingWork[]> {
    const [dirty] = (await this.db.reader.query(`SELECT day FROM ${DIRTY_TABLE} LIMIT 1`)) as unknown[];
    return dirty ? [{ job: JobName.RefreshStatistics, payload: {}, key: 'statistics-cells' }] : [];
  }

  @JobHandler(JobName.RefreshStatistics)
  async refresh(): Promise<void> {
    await this.cells.refresh();
  }
}
