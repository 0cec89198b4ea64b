import EmailReplyParser from 'email-reply-parser';

/*
 * Where the quoted mail starts, in the Dutch and English forms Outlook, Gmail and Apple Mail
 * write; email-reply-parser knows most English ones and "Op … schreef …:", not Apple Mail's
 * "Op … heeft … het volgende geschreven:" nor Outlook's header block without an address in brackets.
 */
const QUOTE_HEADERS: RegExp[] = [
  /^-{2,}\s*(Oorspronkelijk bericht|Origineel bericht|Original Message|Doorgestuurd bericht|Forwarded message)\s*-{2,}\s*$/im,
  /^_{10,}\s*$/m, // Outlook's line above the quoted header block
  /^-{20,}\s*$/m, // the same line (an <hr>) in a mail that was HTML only
  /^\s*(Van|From)\s*:.*\n\s*(Verzonden|Sent|Datum|Date)\s*:/im,
  /^\s*Op\s[^\n]*(\n[^\n]*)?\s(schreef|heeft)\s[^\n]*(\n[^\n]*)?:\s*$/im,
  /^\s*On\s[^\n]*(\n[^\n]*)?\swrote:\s*$/im,
];

/** Signature starts: the "-- " delimiter and the mobile clients' sign-offs. */
const SIGNATURES: RegExp[] = [/^-- ?$/m, /^(Verzonden|Verstuurd) (vanaf|met|vanuit) (mijn|de) .+$/im, /^Sent from my .+$/im, /^Get Outlook for .+$/im, /^Outlook voor .+ downloaden$/im];

const parser = new EmailReplyParser();

/**
 * The new text of a reply: quoted earlier mails and the signature removed, line breaks kept.
 * Our own marker lines first (cut at the earliest), then email-reply-parser for the forms it
 * knows; should that leave nothing, the first cut stands.
 */
export function replyText(text: string): string {
  let body = text.replace(/\r\n?/g, '\n');
  let cut = body.length;
  for (const pattern of [...QUOTE_HEADERS, ...SIGNATURES]) {
    const match = pattern.exec(body);
    if (match && match.index < cut) cut = match.index;
  }
  body = body.slice(0, cut);
  // Quoted lines ("> …") at the end, as clients that quote below the reply leave them.
  body = body.replace(/(\n>[^\n]*)+\s*$/, '');
  const trimmed = body.trim();
  let parsed = '';
  try {
    parsed = parser.parseReply(trimmed).trim();
  } catch {
    parsed = '';
  }
  return (parsed !== '' ? parsed : trimmed).replace(/\n{3,}/g, '\n\n');
}

/**
 * The plain text of a received mail: its text part, or for an HTML-only mail the HTML as text,
 * line breaks where blocks end and without wrapping (parse with `skipHtmlToText`).
 */
export function bodyText(mail: { text?: string; html?: string | false }): string {
  if (mail.text && mail.text.trim() !== '') return mail.text;
  return mail.html ? htmlToText(mail.html) : '';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function htmlToText(html: string): string {
  return html
    .replace(/<(head|style|script)\b[\s\S]*?<\/\1>/gi, '')
    .replace(/<blockquote\b[\s\S]*<\/blockquote>/gi, '\n') // quoted mails (Gmail, Apple Mail)
    .replace(/<hr\b[^>]*>/gi, `\n${'-'.repeat(20)}\n`)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(div|p|li|tr|h[1-6])>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name[0] === '#') return String.fromCodePoint(name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
