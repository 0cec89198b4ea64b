import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module.js';
import { StatisticsController } from './statistics.controller.js';
import { StatisticsService } from './statistics.service.js';

/** Evaluation statistics for the secretariat: overview, breakdowns, backlog and exports, aggregated in SQL. */
@Module({
  imports: [CalendarModule],
  controllers: [StatisticsController],
  providers: [StatisticsService],
  exports: [StatisticsService],
})
export class StatisticsModule {}
