import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { InfraModule, type ProcessRole } from './infra/infra.module.js';
import type { HttpSetup } from './infra/http/http-setup.js';
import { OrganisationsModule } from './organisations/organisations.module.js';
import { AccountsModule } from './accounts/accounts.module.js';
import { installAccountsHttp } from './accounts/accounts-http.js';
import { AuditModule } from './audit/audit.module.js';
import { QuestionsModule } from './questions/questions.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { KnowledgeModule } from './knowledge/knowledge.module.js';
import { SlaModule } from './sla/sla.module.js';
import { StatisticsModule } from './statistics/statistics.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { WebModule } from './web/web.module.js';
import { InboundModule } from './inbound/inbound.module.js';

/** The whole application: shared infrastructure plus one module per part of the domain. */
@Module({})
export class AppModule {
  /** The feature modules' HTTP hooks, in order; createApp installs them (infra imports no feature module). */
  static readonly httpSetup: readonly HttpSetup[] = [installAccountsHttp];

  static forRoot(config: AppConfig, options: { role?: ProcessRole } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [InfraModule.forRoot(config, options.role), AuditModule, AccountsModule, CatalogModule, OrganisationsModule, NotificationsModule, QuestionsModule, KnowledgeModule, SlaModule, StatisticsModule, ReportsModule, WebModule, InboundModule.forRoot(options.role)],
    };
  }
}
