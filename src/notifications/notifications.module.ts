import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { appPath } from '../infra/app-root.js';
import { Mailer } from './mailer.js';
import { NotificationsService } from './notifications.service.js';
import { MailTemplates } from './templates.js';

/** Folder of the mail templates (`templates/mail/` in the package root). */
export const MAIL_TEMPLATES_DIR = appPath('templates', 'mail');

/**
 * Mails: the outbox, the templates (compiled at startup, so a broken template stops the boot),
 * the SMTP or .eml mailer and the `send-notification` job. Global: feature modules inject
 * `NotificationsService` and call `notify` inside their transactions.
 */
@Global()
@Module({
  providers: [
    NotificationsService,
    Mailer,
    { provide: MailTemplates, inject: [AppConfig], useFactory: (config: AppConfig) => new MailTemplates(MAIL_TEMPLATES_DIR, config.publicUrl, !!config.mailReplyDomain) },
  ],
  exports: [NotificationsService],
})
export class NotificationsModule {}
