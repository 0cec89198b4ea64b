import { Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfig } from '../config/app-config.js';
import { AppSecrets } from '../infra/secrets.js';
import { AccessGuard } from './access.guard.js';
import { AccessRequestsController } from './access-requests.controller.js';
import { AccessRequestsService } from './access-requests.service.js';
import { AccountEvents } from './account-events.js';
import { AuthPagesController } from './auth-pages.controller.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { BootstrapAdmin } from './bootstrap-admin.js';
import { CredentialsService } from './credentials.service.js';
import { ExpertDirectory } from './experts.js';
import { MeController } from './me.controller.js';
import { PageViewerInterceptor } from './page-viewer.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/** Users, roles, passwordless sign-in, second factor, API tokens and the guards every route passes. */
@Global()
@Module({
  controllers: [AuthController, AuthPagesController, MeController, UsersController, AccessRequestsController],
  providers: [
    { provide: AppSecrets, inject: [AppConfig], useFactory: AppSecrets.fromConfig },
    AuthService,
    UsersService,
    CredentialsService,
    AccessRequestsService,
    AccountEvents,
    ExpertDirectory,
    BootstrapAdmin,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_INTERCEPTOR, useClass: PageViewerInterceptor },
  ],
  exports: [AuthService, UsersService, AccessRequestsService, CredentialsService, AccountEvents, ExpertDirectory, AppSecrets],
})
export class AccountsModule {}
