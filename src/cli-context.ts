import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, createRootLogger } from './infra/logging.js';
import { AppModule } from './app.module.js';
import { AppConfig } from './config/app-config.js';
import { SYSTEM_ACTOR } from './audit/audit.service.js';
import { NotFoundError } from './common/domain-errors.js';
import { UsersService, type UserFields } from './accounts/users.service.js';
import { CredentialsService } from './accounts/credentials.service.js';
import { INVITATION_TTL_MS } from './accounts/auth.service.js';
import { User } from './accounts/user.entity.js';
import { Database } from './infra/database/database.service.js';
import { NotificationsService } from './notifications/notifications.service.js';
import { NotificationOutbox } from './notifications/outbox.entity.js';

/**
 * The application's services without HTTP and without job workers: the CLI's actions go
 * through the same services (validation, audit trail) as the API. Mails it causes stay pending
 * in the outbox until a running app's reconciler sends them — except an invitation, which it
 * delivers itself (there may be no running app yet, or no user who could sign in to one).
 */
export async function createCliContext(config: AppConfig) {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { role: 'cli' }), {
    logger: new PinoNestLogger(createRootLogger(config, 'stderr')),
    abortOnError: false,
  });
  const actor = { ...SYSTEM_ACTOR, ip: 'cli' };
  return {
    /**
     * `user:add`; with `invite`, mails the invitation now, through the outbox's own send (its
     * claim keeps a running app's worker from sending it too). A failed send stays pending for
     * a running app's reconciler; `invitation.error` says why.
     */
    async addUser(fields: UserFields, options: { invite?: boolean } = {}) {
      const { user, created, invitationOutboxId } = await app.get(UsersService).upsert(fields, actor, options);
      if (!invitationOutboxId) return { user, created, invitation: null };
      await app.get(NotificationsService).send({ outboxId: invitationOutboxId });
      const row = await app.get(Database).manager.findOneBy(NotificationOutbox, { id: invitationOutboxId });
      return { user, created, invitation: { outboxId: invitationOutboxId, sent: row?.status === 'sent', error: row?.lastError ?? null, validDays: INVITATION_TTL_MS / 86_400_000 } };
    },
    async issueToken(email: string, name: string): Promise<string> {
      const user = await app.get(Database).manager.findOneBy(User, { email: email.trim().toLowerCase() });
      if (!user) throw new NotFoundError('Gebruiker', email);
      return (await app.get(CredentialsService).createToken(user.id, name, undefined, { actorId: user.id, ip: 'cli' })).token;
    },
    retryFailedMails: (ids?: string[]) => app.get(NotificationsService).retryFailed(ids),
    close: () => app.close(),
  };
}
