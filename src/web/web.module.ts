import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CalendarModule } from '../calendar/index.js';
import { CatalogModule } from '../catalog/index.js';
import { KnowledgeModule } from '../knowledge/index.js';
import { OrganisationsModule } from '../organisations/index.js';
import { QuestionsModule } from '../questions/index.js';
import { SlaModule } from '../sla/index.js';
import { StatisticsModule } from '../statistics/index.js';
import { DashboardPageController } from './dashboard-page.controller.js';
import { SecretariatPagesController } from './secretariat-pages.controller.js';
import { SecretariatArticlesController } from './secretariat-articles.controller.js';
import { SecretariatCalendarController } from './secretariat-calendar.controller.js';
import { SecretariatUsersController } from './secretariat-users.controller.js';
import { SecretariatToolsController } from './secretariat-tools.controller.js';
import { SecretariatAccessController } from './secretariat-access.controller.js';
import { SecretariatMemberController } from './secretariat-member.controller.js';
import { AuditModule } from '../audit/index.js';
import { AccountsModule } from '../accounts/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { ArticlePagesController } from './article-pages.controller.js';
import { AccessibilityPageController } from './accessibility-page.controller.js';
import { CatalogPagesController } from './catalog-pages.controller.js';
import { KnowledgePagesController } from './knowledge-pages.controller.js';
import { ProfilePagesController } from './profile-pages.controller.js';
import { QuestionPagesController } from './question-pages.controller.js';
import { RequesterDeskController } from './requester-desk.controller.js';
import { StartPageController } from './start-page.controller.js';
import { WorkCountsInterceptor } from './work-counts.js';
import { WorkPagesController } from './work-pages.controller.js';

/** The pages people open in a browser (templates in templates/pages, see src/infra/http/pages.ts). */
@Module({
  imports: [CalendarModule, CatalogModule, KnowledgeModule, OrganisationsModule, QuestionsModule, SlaModule, StatisticsModule, NotificationsModule, AccountsModule, AuditModule],
  controllers: [StartPageController, KnowledgePagesController, AccessibilityPageController, CatalogPagesController, RequesterDeskController, QuestionPagesController, ProfilePagesController, ArticlePagesController, WorkPagesController, DashboardPageController, SecretariatPagesController, SecretariatArticlesController, SecretariatCalendarController, SecretariatUsersController, SecretariatToolsController, SecretariatMemberController, SecretariatAccessController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: WorkCountsInterceptor }],
})
export class WebModule {}
