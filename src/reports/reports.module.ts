import { Module } from '@nestjs/common';
import { StatisticsModule } from '../statistics/index.js';
import { EvaluationReportService } from './evaluation-report.service.js';
import { ReportsController } from './reports.controller.js';
import { QuarterlyReportService } from './quarterly-report.service.js';
import { QuarterlyMailJobs } from './quarterly-mail.js';
import { AccountsModule } from '../accounts/index.js';
import { CalendarModule } from '../calendar/index.js';
import { NotificationsModule } from '../notifications/index.js';

/** Server-rendered, printable reports (the evaluation report) built on the statistics module. */
@Module({
  imports: [StatisticsModule, AccountsModule, CalendarModule, NotificationsModule],
  controllers: [ReportsController],
  providers: [EvaluationReportService, QuarterlyReportService, QuarterlyMailJobs],
})
export class ReportsModule {}
