import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/index.js';
import { AttachmentsService } from './attachments.service.js';
import { QuestionEvents } from './question-events.js';
import { QuestionSearch } from './question-search.js';
import { QuestionIntake } from './question-intake.service.js';
import { QuestionJobs } from './question-jobs.js';
import { QuestionLifecycle } from './question-lifecycle.service.js';
import { QuestionMails } from './question-mails.js';
import { QuestionReader } from './question-reader.service.js';
import { QuestionWork } from './question-work.service.js';
import { QuestionsController } from './questions.controller.js';
import { RouterService } from './routing/router.service.js';
import { RoutingJobs } from './routing/routing-jobs.js';

/** Questions: intake, routing through the job queue, triage, answers, messages, attachments, ratings, staff search. */
@Module({
  imports: [CalendarModule],
  controllers: [QuestionsController],
  providers: [QuestionIntake, QuestionLifecycle, QuestionReader, QuestionMails, QuestionEvents, QuestionSearch, QuestionJobs, RoutingJobs, RouterService, AttachmentsService, QuestionWork],
  exports: [QuestionIntake, QuestionLifecycle, QuestionReader, QuestionMails, QuestionEvents, AttachmentsService, QuestionWork],
})
export class QuestionsModule {}
