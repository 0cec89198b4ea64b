import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, createRootLogger } from './infra/logging.js';
import { AppModule } from './app.module.js';
import { AppConfig } from './config/app-config.js';
import { SYSTEM_ACTOR } from './audit/audit.service.js';
import { NotFoundError } from './common/domain-errors.js';
import { UsersService, type UserFields } from './accounts/users.service.js';
import { CredentialsService } from './accounts/credentials.service.js';
import { User } from './accounts/user.entity.js';
import { Database } from './infra/database/database.service.js';
import { NotificationsService } from './notifications/notifications.service.js';

/**
 * The application's services without HTTP and without job workers: the CLI's actions go
 * through the same services (validation, audit trail) as the API. Mails it causes stay pending
 * in the outbox until a running app's reconciler sends them.
 */
export async function createCliContext(config: AppConfig) {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { role: 'cli' }), {
    logger: new PinoNestLogger(createRootLogger(config, 'stderr')),
    abortOnError: false,
  });
  const actor = { ...SYSTEM_ACTOR, ip: 'cli' };
  return {
    addUser: (fields: UserFields) => app.get(UsersService).upsert(fields, actor),
    async issueToken(email: string, name: string): Promise<string> {
      const user = await app.get(Database).manager.findOneBy(User, { email: email.trim().toLowerCase() });
      if (!user) throw new NotFoundError('Gebruiker', email);
      return (await app.get(CredentialsService).createToken(user.id, name, undefined, { actorId: user.id, ip: 'cli' })).token;
    },
    retryFailedMails: (ids?: string[]) => app.get(NotificationsService).retryFailed(ids),
    close: () => app.close(),
  };
}
