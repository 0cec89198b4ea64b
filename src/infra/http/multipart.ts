import type { FastifyRequest } from 'fastify';
import { DomainError, InvalidInputError, PayloadTooLargeError } from '../../common/domain-errors.js';

export interface UploadedFile {
  filename: string;
  data: Buffer;
  /** The file was cut off at the size limit (only when the limit does not throw). */
  truncated: boolean;
}

/** @fastify/multipart's errors for a request over one of its limits. */
const LIMIT_ERRORS = new Set(['FST_REQ_FILE_TOO_LARGE', 'FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT']);

/**
 * Reads the one file of a multipart/form-data request. Every way the request can fail to be
 * one — not multipart, no or a wrong boundary, a part cut off or without headers, no file —
 * is a 400 naming the field, a file over `maxBytes` a 413: never an error of the parser (busboy
 * throws plain errors, such as "Boundary not found", that would otherwise be a 500).
 */
export async function readUploadedFile(request: FastifyRequest, field: string, maxBytes: number, tooLarge: string): Promise<UploadedFile> {
  const unreadable = (reason: string) => new InvalidInputError([{ name: field, reason }], 'De aanvraag bevat geen leesbaar multipart/form-data-formulier.');
  if (!request.isMultipart()) throw unreadable('stuur het bestand als multipart/form-data');
  try {
    const file = await request.file({ limits: { fileSize: maxBytes, files: 1 } });
    if (!file) throw new InvalidInputError([{ name: field, reason: 'ontbreekt' }]);
    const data = await file.toBuffer();
    return { filename: file.filename, data, truncated: file.file.truncated };
  } catch (error) {
    if (error instanceof DomainError) throw error;
    if (LIMIT_ERRORS.has((error as { code?: string } | null)?.code ?? '')) throw new PayloadTooLargeError(tooLarge);
    throw unreadable('het formulier is onleesbaar: controleer de boundary in Content-Type en de kopregels en het einde van elk deel');
  }
}
