import { Module } from '@nestjs/common';
import { StatisticsModule } from '../statistics/index.js';
import { EvaluationReportService } from './evaluation-report.service.js';
import { ReportsController } from './reports.controller.js';
import { QuarterlyReportService } from './quarterly-report.service.js';

/** Server-rendered, printable reports (the evaluation report) built on the statistics module. */
@Module({
  imports: [StatisticsModule],
  controllers: [ReportsController],
  providers: [EvaluationReportService, QuarterlyReportService],
})
export class ReportsModule {}
