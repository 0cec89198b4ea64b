/* The public entry of notifications (README "Architecture", D1). */
export { NotificationsModule } from './notifications.module.js';
export { NotificationsService, type NotifyInput } from './notifications.service.js';
export type { TemplateData, TemplateName } from './templates.js';
