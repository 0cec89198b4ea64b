import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { KnowledgeModule } from '../knowledge/knowledge.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { QuestionsModule } from '../questions/questions.module.js';
import { SlaModule } from '../sla/sla.module.js';
import { ArticlePagesController } from './article-pages.controller.js';
import { AccessibilityPageController } from './accessibility-page.controller.js';
import { CatalogPagesController } from './catalog-pages.controller.js';
import { KnowledgePagesController } from './knowledge-pages.controller.js';
import { ProfilePagesController } from './profile-pages.controller.js';
import { QuestionPagesController } from './question-pages.controller.js';
import { RequesterDeskController } from './requester-desk.controller.js';
import { StartPageController } from './start-page.controller.js';

/** The pages people open in a browser (templates in templates/pages, see src/infra/http/pages.ts). */
@Module({
  imports: [CatalogModule, KnowledgeModule, OrganisationsModule, QuestionsModule, SlaModule],
  controllers: [StartPageController, KnowledgePagesController, AccessibilityPageController, CatalogPagesController, RequesterDeskController, QuestionPagesController, ProfilePagesController, ArticlePagesController],
})
export class WebModule {}
