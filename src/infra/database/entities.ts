import { Keuze, Maatregel, Theme } from '../../catalog/catalog.entities.js';
import { Organisation } from '../../organisations/organisation.entity.js';
import { Absence, User, UserExpertise } from '../../accounts/user.entity.js';
import { AccessRequest, ApiToken, RecoveryCode, Session, SignInDomain, SignInToken } from '../../accounts/auth.entities.js';
import { Question, QuestionAttachment, QuestionEvent, QuestionKeuze, QuestionMessage, QuestionRating, QuestionView } from '../../questions/question.entities.js';
import { AuditEvent } from '../../audit/audit-event.entity.js';
import { NotificationOutbox } from '../../notifications/outbox.entity.js';
import { KNOWLEDGE_ENTITIES } from '../../knowledge/knowledge.entities.js';
import { SLA_ENTITIES } from '../../sla/sla.entities.js';
import { INBOUND_ENTITIES } from '../../inbound/inbound.entities.js';

/** Every entity of the app; the DataSource (app, CLI, migrations) uses this one list. */
export const ENTITIES = [Theme, Keuze, Maatregel, Organisation, User, UserExpertise, Absence, SignInToken, Session, ApiToken, RecoveryCode, SignInDomain, AccessRequest, AuditEvent, NotificationOutbox, Question, QuestionKeuze, QuestionEvent, QuestionMessage, QuestionAttachment, QuestionRating, QuestionView, ...KNOWLEDGE_ENTITIES, ...SLA_ENTITIES, ...INBOUND_ENTITIES];
