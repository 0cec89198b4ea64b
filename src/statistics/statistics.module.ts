import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/index.js';
import { StatisticsController } from './statistics.controller.js';
import { StatisticsCells } from './statistics-cells.js';
import { StatisticsJobs } from './statistics-jobs.js';
import { StatisticsService } from './statistics.service.js';
import { DashboardService } from './dashboard.service.js';

/** Evaluation statistics for the secretariat: overview, breakdowns, backlog and exports, aggregated in SQL. */
@Module({
  imports: [CalendarModule],
  controllers: [StatisticsController],
  providers: [StatisticsService, StatisticsCells, StatisticsJobs, DashboardService],
  exports: [StatisticsService, StatisticsCells, DashboardService],
})
export class StatisticsModule {}
