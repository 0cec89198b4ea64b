import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module.js';
import { RouterService } from './routing/router.service.js';
import { AttachmentsService } from './attachments.service.js';
import { QuestionHooks } from './question-hooks.js';
import { QuestionJobs } from './question-jobs.js';
import { QuestionsController } from './questions.controller.js';
import { QuestionsService } from './questions.service.js';

/** Questions: intake, routing through the job queue, triage, answers, messages, attachments, ratings. */
@Module({
  imports: [CalendarModule],
  controllers: [QuestionsController],
  providers: [QuestionsService, QuestionJobs, AttachmentsService, RouterService, QuestionHooks],
  exports: [QuestionsService, QuestionHooks, AttachmentsService],
})
export class QuestionsModule {}
