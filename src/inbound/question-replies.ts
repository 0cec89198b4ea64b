import { Injectable } from '@nestjs/common';
import { UsersService, type Principal } from '../accounts/index.js';
import { NotFoundError } from '../common/domain-errors.js';
import { Database } from '../infra/database/database.service.js';
import { AttachmentsService, QuestionLifecycle, QuestionReader, type QuestionDetailDto } from '../questions/index.js';

/*
 * The one place src/inbound reaches into src/questions: every read of a question and every write
 * onto one goes through here, over the questions module's public methods (QuestionReader.get,
 * QuestionLifecycle's postMessage and mayReopen, AttachmentsService.add) — no table of theirs is
 * read directly — so a reorganised questions module is re-pointed in this file alone.
 */

/** A user, as a principal carries them (no entity of another module is named here). */
type User = Principal['user'];

export interface ReplyQuestion {
  id: string;
  reference: string;
  title: string;
  status: QuestionDetailDto['status'];
  answeredAt: Date | null;
  requesterId: string;
  assigneeId: string | null;
}

/** Longest message a question takes (PostMessageDto). */
export const MAX_MESSAGE_CHARS = 20_000;

@Injectable()
export class QuestionReplies {
  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly reader: QuestionReader,
    private readonly lifecycle: QuestionLifecycle,
    private readonly attachments: AttachmentsService,
  ) {}

  /** The user a reply address was made for, or null when they are gone. */
  async author(userId: string): Promise<User | null> {
    try {
      return await this.users.find(this.db.manager, userId);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** The question as `user` sees it; null when it is gone or they may no longer see it. */
  async question(user: User, questionId: string): Promise<ReplyQuestion | null> {
    try {
      const q = await this.reader.get(principalOf(user), questionId);
      return {
        id: q.id,
        reference: q.reference,
        title: q.title,
        status: q.status,
        answeredAt: q.answeredAt ? new Date(q.answeredAt) : null,
        requesterId: q.requester.id,
        assigneeId: q.assignee?.id ?? null,
      };
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** Whether the requester may still reopen the question (the questions module's reopen window). */
  mayReopen(question: ReplyQuestion): boolean {
    return this.lifecycle.mayReopen(question);
  }

  /**
   * Posts the reply through the same path as the question page's message form, with its checks
   * (who may post, internal notes for staff only) and effects: a requester's message resumes a
   * question that awaits them and restarts its clock, and mails the expert.
   */
  async post(user: User, questionId: string, body: string, internal: boolean): Promise<void> {
    await this.lifecycle.postMessage(principalOf(user), questionId, { body: body.slice(0, MAX_MESSAGE_CHARS), internal });
  }

  /** Whether this message, and which of these files, were added since `since` (a retry after a crash between posting and recording). */
  async added(user: User, questionId: string, body: string, since: Date): Promise<{ message: boolean; files: { filename: string; size: number }[] }> {
    const q = await this.reader.get(principalOf(user), questionId);
    const recent = (createdAt: string) => new Date(createdAt).getTime() >= since.getTime();
    return {
      message: q.messages.some((m) => m.author.id === user.id && m.body === body.slice(0, MAX_MESSAGE_CHARS) && recent(m.createdAt)),
      files: q.attachments.filter((a) => recent(a.createdAt)).map((a) => ({ filename: a.filename, size: a.size })),
    };
  }

  /** Adds one attachment through the upload path (type from the bytes, size, count, who may add); throws the upload's refusal. */
  async attach(user: User, questionId: string, filename: string, data: Buffer): Promise<void> {
    await this.attachments.add(principalOf(user), questionId, { filename, data, truncated: false });
  }

  /** The question's page, as mails link it. */
  link(questionId: string): string {
    return `/vragen/${questionId}`;
  }
}

/** The reply's sender as a signed-in user: the signed address and the matching From stand in for a sign-in. */
function principalOf(user: User): Principal {
  return { user, via: 'bearer', mfaSatisfied: true };
}
