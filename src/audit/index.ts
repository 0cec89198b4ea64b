/* The public entry of audit (README "Architecture", D1). */
export { AuditModule } from './audit.module.js';
export { AuditService, SYSTEM_ACTOR, type AuditActor } from './audit.service.js';
export { AuditQuery, type AuditEventDto } from './audit.dto.js';
