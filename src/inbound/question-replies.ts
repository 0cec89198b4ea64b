import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MoreThanOrEqual } from 'typeorm';
import type { Principal } from '../accounts/principal.js';
import { User } from '../accounts/user.entity.js';
import { Database } from '../infra/database/database.service.js';
import { AttachmentsService } from '../questions/attachments.service.js';
import { Question, QuestionAttachment, QuestionMessage, type QuestionStatus } from '../questions/question.entities.js';
import { QuestionsService } from '../questions/questions.service.js';

/*
 * The one place src/inbound reaches into src/questions: every read of a question and every
 * write onto one goes through here, over the questions module's public methods, so that a
 * reorganised questions module is re-pointed in this file alone.
 */

export interface ReplyQuestion {
  id: string;
  reference: string;
  title: string;
  status: QuestionStatus;
  answeredAt: Date | null;
  requesterId: string;
  assigneeId: string | null;
}

export interface ReplyAuthor {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  active: boolean;
}

/** Longest message a question takes (PostMessageDto). */
export const MAX_MESSAGE_CHARS = 20_000;

@Injectable()
export class QuestionReplies {
  constructor(
    private readonly db: Database,
    private readonly questions: QuestionsService,
    private readonly attachments: AttachmentsService,
  ) {}

  /** The question and the user a reply address was made for; null when either is gone. */
  async find(questionId: string, userId: string): Promise<{ question: ReplyQuestion; author: ReplyAuthor & { user: User } } | null> {
    const [question, user] = await Promise.all([
      this.db.manager.findOne(Question, {
        select: { id: true, reference: true, title: true, status: true, answeredAt: true, requesterId: true, assigneeId: true },
        where: { id: questionId },
      }),
      this.db.manager.findOneBy(User, { id: userId }),
    ]);
    if (!question || !user) return null;
    return { question, author: { id: user.id, email: user.email, displayName: user.displayName, roles: user.roles, active: user.active, user } };
  }

  /** Whether the requester may still reopen the question (the questions module's reopen window). */
  mayReopen(question: ReplyQuestion): boolean {
    return this.questions.mayReopen(question);
  }

  /**
   * Posts the reply through the same path as the question page's message form, with its checks
   * (who may post, internal notes for staff only) and effects: a requester's message resumes a
   * question that awaits them and restarts its clock, and mails the expert.
   */
  async post(user: User, questionId: string, body: string, internal: boolean): Promise<void> {
    await this.questions.postMessage(principalOf(user), questionId, { body: body.slice(0, MAX_MESSAGE_CHARS), internal });
  }

  /** Whether this message was posted already (a retry after a crash between posting and recording). */
  async posted(questionId: string, authorId: string, body: string, since: Date): Promise<boolean> {
    const rows = await this.db.manager.find(QuestionMessage, {
      select: { id: true, body: true },
      where: { questionId, authorId, createdAt: MoreThanOrEqual(since) },
    });
    return rows.some((row) => row.body === body.slice(0, MAX_MESSAGE_CHARS));
  }

  /**
   * Adds one attachment through the upload path (type from the bytes, size, count, who may add);
   * a file the question already has (same content) is not added again. Throws the upload's refusal.
   */
  async attach(user: User, questionId: string, filename: string, data: Buffer): Promise<void> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (await this.db.manager.existsBy(QuestionAttachment, { questionId, sha256 })) return;
    await this.attachments.add(principalOf(user), questionId, { filename, data, truncated: false });
  }

  /** The question's page, as mails link it. */
  link(questionId: string): string {
    return `/vragen/${questionId}`;
  }
}

/** The reply's sender as a signed-in user: the address proved who they are, as a sign-in link does. */
function principalOf(user: User): Principal {
  return { user, via: 'bearer', mfaSatisfied: true };
}
