import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/index.js';
import { QuestionsModule } from '../questions/index.js';
import { ClosuresService } from './closures.service.js';
import { SlaJobs } from './sla-jobs.js';
import { ClosuresController, QuestionSlaController, SlaPoliciesController } from './sla.controller.js';
import { SlaService } from './sla.service.js';

/**
 * Service levels in Dutch working days: policies per priority, closure days (loaded into the
 * WorkingCalendar), per-question clocks kept by a QuestionEvents subscriber, reminders and breach
 * notices through the reconciler, and recomputation jobs.
 */
@Module({
  imports: [CalendarModule, QuestionsModule],
  controllers: [SlaPoliciesController, ClosuresController, QuestionSlaController],
  providers: [SlaService, ClosuresService, SlaJobs],
  exports: [SlaService, ClosuresService],
})
export class SlaModule {}
