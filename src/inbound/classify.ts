import type { ParsedMail } from 'mailparser';

/** Subjects of out-of-office and other automatic answers, Dutch and English. */
const AUTO_SUBJECT = /^\s*(automatisch antwoord|automatische? (reactie|beantwoording)|afwezigheidsmelding|afwezig\b|out of (the )?office|automatic reply|auto(matic)?[- ]?reply|autoreply|auto:)/i;

function header(mail: ParsedMail, name: string): string {
  const value = mail.headers.get(name);
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return String(value);
}

/**
 * An automatic answer (RFC 3834 `Auto-Submitted`, the de-facto `X-Autoreply`/`X-Autorespond`,
 * `Precedence: bulk|junk|list|auto_reply`, an out-of-office subject): recorded, never posted or answered.
 */
export function isAutoReply(mail: ParsedMail): boolean {
  const autoSubmitted = header(mail, 'auto-submitted').trim().toLowerCase();
  if (autoSubmitted !== '' && autoSubmitted !== 'no') return true;
  if (header(mail, 'x-autoreply') !== '' || header(mail, 'x-autorespond') !== '') return true;
  if (/^(bulk|junk|list|auto_reply)$/i.test(header(mail, 'precedence').trim())) return true;
  return AUTO_SUBJECT.test(mail.subject ?? '');
}

/** A delivery status notification: what it reports, if this mail is one. */
export interface BounceReport {
  /** Message-IDs of ours the report quotes (`<outbox id>.vraagbaak@…`). */
  messageIds: string[];
  /** The failed recipient (`Final-Recipient`), when given. */
  recipient: string | null;
  /** `Status` and `Diagnostic-Code`, for the secretariat. */
  reason: string;
}

/**
 * Reads a delivery status notification: an RFC 3464 report (`multipart/report;
 * report-type=delivery-status`) or a mail from a mailer daemon. Returns null for any other mail,
 * also for an out-of-office answer sent to a bounce address (autoresponders answer the envelope
 * sender): only a report marks a mail as undelivered. The Message-IDs are taken from the body,
 * where a report quotes the undelivered mail, never from the report's own headers.
 */
export function bounceReport(mail: ParsedMail, raw: string): BounceReport | null {
  const contentType = header(mail, 'content-type').toLowerCase();
  const report = /multipart\/report/.test(contentType) && /delivery-status/.test(raw.slice(0, 20_000).toLowerCase());
  const daemon = /^(mailer-daemon|postmaster)@/i.test(mail.from?.value[0]?.address ?? '');
  if (!report && !daemon) return null;
  const bodyStart = raw.search(/\r?\n\r?\n/);
  const body = bodyStart < 0 ? '' : raw.slice(bodyStart);
  const messageIds = [...new Set([...body.matchAll(/<([0-9a-f-]{36}\.vraagbaak@[^>\s]+)>/gi)].map((m) => `<${m[1].toLowerCase()}>`))];
  const recipient = /^Final-Recipient:\s*(?:rfc822;)?\s*<?([^\s>]+@[^\s>]+)>?/im.exec(body)?.[1]?.toLowerCase() ?? null;
  const status = /^Status:\s*(\S+)/im.exec(body)?.[1];
  const diagnostic = /^Diagnostic-Code:\s*(.+)$/im.exec(body)?.[1]?.trim();
  const reason = [status, diagnostic].filter(Boolean).join(' ') || (mail.subject ?? 'onbestelbaar');
  return { messageIds, recipient, reason };
}

/** The bare address of the From header, lower-cased. */
export function senderOf(mail: ParsedMail): string | null {
  return mail.from?.value[0]?.address?.toLowerCase() ?? null;
}

/** Addresses in the recipient headers (for mail read from a mailbox, where there is no envelope). */
export function headerRecipients(mail: ParsedMail): string[] {
  const lists = [mail.to, mail.cc].flat().filter((a) => !!a);
  const fromHeaders = lists.flatMap((a) => a!.value.map((v) => v.address?.toLowerCase() ?? '')).filter((a) => a !== '');
  const delivered = ['delivered-to', 'x-original-to', 'envelope-to'].map((name) => header(mail, name).toLowerCase().trim()).filter((a) => a.includes('@'));
  return [...new Set([...delivered, ...fromHeaders])];
}
