import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { fileTypeFromBuffer } from 'file-type';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../common/domain-errors.js';
import type { Principal } from '../accounts/index.js';
import { Database } from '../infra/database/database.service.js';
import { QuestionAttachment } from './question.entities.js';
import { QuestionReader } from './question-reader.service.js';
import type { AttachmentDto } from './questions.dto.js';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS = 5;

/** Types accepted, by content: PDF, images and office documents (OOXML, ODF and legacy Office). */
const ALLOWED = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/tiff',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/x-cfb', // legacy .doc/.xls/.ppt (OLE compound file)
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
]);

export interface Upload {
  filename: string;
  data: Buffer;
  truncated: boolean;
}

/** Attachments stored under DATA_DIR/attachments; the type is checked from the bytes, never trusted. */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly questions: QuestionReader,
  ) {}

  private path(questionId: string, attachmentId: string): string {
    return join(this.config.dataPath, 'attachments', questionId, attachmentId);
  }

  /**
   * The content checks of an upload (size, type detected from the bytes), before any question is
   * touched: a form that submits a question with files checks them all first, so a refused file
   * never leaves a question behind without it.
   */
  async inspect(upload: Upload): Promise<{ mime: string; ext: string }> {
    if (upload.truncated || upload.data.length > MAX_ATTACHMENT_BYTES) throw new PayloadTooLargeError('Een bijlage mag hoogstens 10 MB zijn.');
    if (upload.data.length === 0) throw new InvalidInputError([{ name: 'file', reason: 'het bestand is leeg' }]);
    const detected = await fileTypeFromBuffer(upload.data);
    if (!detected || !ALLOWED.has(detected.mime)) {
      throw new UnsupportedMediaTypeError('Alleen PDF, afbeeldingen en kantoordocumenten (Word, Excel, PowerPoint, OpenDocument) zijn toegestaan.');
    }
    return detected;
  }

  async add(principal: Principal, questionId: string, upload: Upload): Promise<AttachmentDto> {
    const detected = await this.inspect(upload);
    // Refusals (unknown or invisible question, no right to upload, closed, full) come before
    // anything is written, so a refused upload leaves no file or folder behind.
    await this.assertMayUpload(this.db.manager, principal, questionId);
    const id = randomUUID();
    const filename = sanitiseFilename(upload.filename, detected.ext);
    const target = this.path(questionId, id);
    await mkdir(join(this.config.dataPath, 'attachments', questionId), { recursive: true });
    // Written before the row, renamed into place: a row never points at a half-written file.
    await writeFile(`${target}.tmp`, upload.data);
    await rename(`${target}.tmp`, target);
    try {
      const row: QuestionAttachment = {
        id,
        questionId,
        filename,
        contentType: detected.mime,
        size: upload.data.length,
        sha256: createHash('sha256').update(upload.data).digest('hex'),
        uploadedBy: principal.user.id,
        createdAt: this.clock.now(),
      };
      await this.db.transaction(async (m) => {
        // Again inside the transaction: the question may have changed while the file was written.
        await this.assertMayUpload(m, principal, questionId);
        await m.insert(QuestionAttachment, row);
      });
      return { id, filename, contentType: row.contentType, size: row.size, createdAt: row.createdAt.toISOString() };
    } catch (error) {
      await rm(target, { force: true });
      throw error;
    }
  }

  /** Throws unless `principal` may add an attachment to the question now. */
  private async assertMayUpload(m: EntityManager, principal: Principal, questionId: string): Promise<void> {
    const q = await this.questions.findVisible(m, principal, questionId);
    const mayUpload = q.requesterId === principal.user.id || q.assigneeId === principal.user.id || principal.user.roles.includes('coordinator');
    if (!mayUpload) throw new ForbiddenError('Alleen de vraagsteller, de behandelend expert en coördinatoren kunnen bijlagen toevoegen.');
    if (['closed', 'referred', 'withdrawn'].includes(q.status)) throw new ConflictError(`Bij een vraag met status ${q.status} kunnen geen bijlagen meer worden toegevoegd.`, 'invalid-transition');
    if ((await m.countBy(QuestionAttachment, { questionId })) >= MAX_ATTACHMENTS) {
      throw new ConflictError(`Een vraag heeft hoogstens ${MAX_ATTACHMENTS} bijlagen.`, 'too-many-attachments');
    }
  }

  async read(principal: Principal, questionId: string, attachmentId: string): Promise<{ row: QuestionAttachment; data: Buffer }> {
    await this.questions.findVisible(this.db.manager, principal, questionId);
    const row = await this.db.manager.findOneBy(QuestionAttachment, { id: attachmentId, questionId });
    if (!row) throw new NotFoundError('Bijlage', attachmentId);
    return { row, data: await readFile(this.path(questionId, attachmentId)) };
  }
}

/** A safe download name: no paths, no control characters, the detected extension. */
export function sanitiseFilename(name: string, ext: string): string {
  const base = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '').trim().slice(0, 200) || 'bijlage';
  return base.toLowerCase().endsWith(`.${ext}`) ? base : `${base.replace(/\.[^.]*$/, '')}.${ext}`;
}
