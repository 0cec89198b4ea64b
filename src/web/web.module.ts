import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { KnowledgeModule } from '../knowledge/knowledge.module.js';
import { AccessibilityPageController } from './accessibility-page.controller.js';
import { CatalogPagesController } from './catalog-pages.controller.js';
import { KnowledgePagesController } from './knowledge-pages.controller.js';
import { StartPageController } from './start-page.controller.js';

/** The pages people open in a browser (templates in templates/pages, see src/infra/http/pages.ts). */
@Module({ imports: [CatalogModule, KnowledgeModule], controllers: [StartPageController, KnowledgePagesController, AccessibilityPageController, CatalogPagesController] })
export class WebModule {}
