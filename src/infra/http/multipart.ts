import type { FastifyRequest } from 'fastify';
import { DomainError, InvalidInputError, PayloadTooLargeError } from '../../common/domain-errors.js';

export interface UploadedFile {
  filename: string;
  data: Buffer;
  /** The file was cut off at the size limit (only when the limit does not throw). */
  truncated: boolean;
}

/** A multipart form as a page posts it: its text fields (repeated names as lists) and its files. */
export interface UploadedForm {
  fields: Record<string, string | string[]>;
  files: UploadedFile[];
}

/** @fastify/multipart's errors for a request over one of its limits. */
const LIMIT_ERRORS = new Set(['FST_REQ_FILE_TOO_LARGE', 'FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT']);

const unreadable = (field: string, reason: string) => new InvalidInputError([{ name: field, reason }], 'De aanvraag bevat geen leesbaar multipart/form-data-formulier.');

/**
 * Every way a request can fail to be a multipart form — no or a wrong boundary, a part cut off
 * or without headers — is a 400 naming the field, a file over the limit a 413: never an error of
 * the parser (busboy throws plain errors, such as "Boundary not found", that would otherwise be a 500).
 */
async function readMultipart<T>(field: string, tooLarge: string, read: () => Promise<T>, tooManyFiles?: string): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    // On a form one file too many is a choice to correct, not a request too large.
    if (tooManyFiles && (error as { code?: string } | null)?.code === 'FST_FILES_LIMIT') throw new InvalidInputError([{ name: field, reason: tooManyFiles }]);
    if (LIMIT_ERRORS.has((error as { code?: string } | null)?.code ?? '')) throw new PayloadTooLargeError(tooLarge);
    throw unreadable(field, 'het formulier is onleesbaar: controleer de boundary in Content-Type en de kopregels en het einde van elk deel');
  }
}

/** Reads the one file of a multipart/form-data request (see readMultipart for the errors). */
export async function readUploadedFile(request: FastifyRequest, field: string, maxBytes: number, tooLarge: string): Promise<UploadedFile> {
  if (!request.isMultipart()) throw unreadable(field, 'stuur het bestand als multipart/form-data');
  return readMultipart(field, tooLarge, async () => {
    const file = await request.file({ limits: { fileSize: maxBytes, files: 1 } });
    if (!file) throw new InvalidInputError([{ name: field, reason: 'ontbreekt' }]);
    const data = await file.toBuffer();
    return { filename: file.filename, data, truncated: file.file.truncated };
  });
}

/**
 * Reads a whole multipart form of a page into `form`: the text fields and up to `maxFiles` files
 * of the file field `field`. A file input left empty (no name, no bytes) is no file. Same errors
 * as readUploadedFile; after one, `form` holds what was read until then, so a page can show the
 * typed values again.
 */
export async function readUploadedForm(
  request: FastifyRequest,
  field: string,
  options: { maxBytes: number; maxFiles: number; tooLarge: string },
  form: UploadedForm = { fields: {}, files: [] },
): Promise<UploadedForm> {
  if (!request.isMultipart()) throw unreadable(field, 'stuur het formulier als multipart/form-data');
  return readMultipart(field, options.tooLarge, async () => {
    // Room for every checkbox of a long list (the API's rules judge how many may be ticked).
    const parts = request.parts({ limits: { fileSize: options.maxBytes, files: options.maxFiles, fields: 100 } });
    for await (const part of parts) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        if (part.fieldname !== field || (part.filename === '' && data.length === 0)) continue;
        form.files.push({ filename: part.filename, data, truncated: part.file.truncated });
      } else {
        const value = typeof part.value === 'string' ? part.value : String(part.value);
        const known = form.fields[part.fieldname];
        form.fields[part.fieldname] = known === undefined ? value : ([] as string[]).concat(known, value);
      }
    }
    return form;
  }, `kies hoogstens ${options.maxFiles} bestanden`);
}
