import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { ExpertDirectory, type Person } from '../accounts/index.js';
import { WorkingCalendar } from '../calendar/index.js';
import { organisationFacts } from '../organisations/index.js';
import { NotificationsService, type NotifyInput, type TemplateData, type TemplateName } from '../notifications/index.js';
import { acceptanceDue } from './acceptance.js';
import { QuestionRating } from './question.entities.js';
import type { QuestionSnapshot } from './question-events.js';

/** Whom a mail about a question goes to. */
export type Recipient = Pick<Person, 'id' | 'email' | 'displayName'>;
/** An expert or coordinator: their mail preference decides between now and the daily digest. */
export type StaffRecipient = Recipient & Pick<Person, 'mailPreference'>;

/**
 * The mails about a question to its requester, its expert and the coordinators, each written in the
 * caller's transaction (whose commit dispatches them) under an event key that makes writing it twice
 * harmless.
 */
@Injectable()
export class QuestionMails {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly calendar: WorkingCalendar,
    private readonly notifications: NotificationsService,
    private readonly people: ExpertDirectory,
  ) {}

  /** The page people open from a mail (`/vragen/<id>`), with the actions open to them. */
  link(questionId: string): string {
    return `${this.config.publicUrl}/vragen/${questionId}`;
  }

  private base(q: QuestionSnapshot, name: string) {
    return { reference: q.reference, title: q.title, link: this.link(q.id), name };
  }

  /** `requester`: the requester's user when the caller has it at hand (the submitting principal). */
  async mailRequester<T extends TemplateName>(
    m: EntityManager,
    q: QuestionSnapshot,
    template: T,
    event: string,
    data: Partial<TemplateData[T]>,
    requester?: Recipient,
  ): Promise<string> {
    if (requester?.id !== q.requesterId) {
      requester = (await this.people.person(m, q.requesterId)) ?? undefined;
      if (!requester) throw new Error(`requester ${q.requesterId} of question ${q.id} not found`);
    }
    return this.notifications.notify(m, this.requesterMail(q, template, event, data, requester));
  }

  requesterMail<T extends TemplateName>(q: QuestionSnapshot, template: T, event: string, data: Partial<TemplateData[T]>, requester: Recipient): NotifyInput<T> {
    return {
      eventKey: `question:${q.id}:${event}`,
      recipient: { email: requester.email, userId: requester.id },
      template,
      data: { ...this.base(q, requester.displayName), ...data } as TemplateData[T],
    };
  }

  async mailExpert<T extends TemplateName>(m: EntityManager, q: QuestionSnapshot, expert: StaffRecipient, template: T, event: string, data: Partial<TemplateData[T]>): Promise<string> {
    return this.notifications.notify(m, this.expertMail(q, expert, template, event, data));
  }

  private expertMail<T extends TemplateName>(q: QuestionSnapshot, expert: StaffRecipient, template: T, event: string, data: Partial<TemplateData[T]>): NotifyInput<T> {
    return {
      eventKey: `question:${q.id}:${event}`,
      recipient: { email: expert.email, userId: expert.id },
      template,
      data: { ...this.base(q, expert.displayName), ...data } as TemplateData[T],
      digest: expert.mailPreference === 'daily',
    };
  }

  async mailCoordinators<T extends TemplateName>(m: EntityManager, q: QuestionSnapshot, template: T, event: string, data: Partial<TemplateData[T]>): Promise<string[]> {
    const ids: string[] = [];
    for (const c of await this.people.activeCoordinators(m)) ids.push(await this.notifications.notify(m, this.expertMail(q, c, template, event, data)));
    return ids;
  }

  async mailAssignment(m: EntityManager, q: QuestionSnapshot, expert: StaffRecipient): Promise<string> {
    return this.notifications.notify(m, await this.assignmentMail(m, q, expert));
  }

  async assignmentMail(m: EntityManager, q: QuestionSnapshot, expert: StaffRecipient): Promise<NotifyInput<'question-assigned'>> {
    const organisation = await organisationFacts(m, q.organisationCode);
    return this.expertMail(q, expert, 'question-assigned', `assigned:${q.assignmentCount}`, {
      organisation: organisation?.name ?? q.organisationCode,
      respondBefore: acceptanceDue(this.calendar, q.assignedAt ?? this.clock.now()),
    });
  }

  async ratingRequest(m: EntityManager, q: QuestionSnapshot): Promise<string | null> {
    if (await m.existsBy(QuestionRating, { questionId: q.id })) return null;
    return this.mailRequester(m, q, 'rating-request', `rating-request:${q.reopenCount}`, {});
  }
}
