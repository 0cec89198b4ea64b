/* The public entry of notifications (README "Architecture", D1). */
export { NotificationsModule } from './notifications.module.js';
export { MAILABLE_ADDRESS, NotificationsService, type NotifyInput, type FailedMailDto } from './notifications.service.js';
export { replyModeOf, type ReplyMode, type TemplateData, type TemplateName } from './templates.js';
export { MailThreading, type ThreadingHeaders } from './mail-threading.js';
