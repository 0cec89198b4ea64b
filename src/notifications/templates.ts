import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { TIME_ZONE } from '../common/clock.js';
import { renderAnswerHtml } from '../common/markdown.js';

/**
 * The mail templates: `templates/mail/<name>.subject|.txt|.html`, wrapped in the one layout
 * (`layout.txt`, `layout.html`); partials are the `_<name>.html|.txt` files (`{{> aanhef}}`,
 * `{{> vraag}}`, `{{> knop link=… label="…"}}`). Handlebars escapes every `{{value}}` in the HTML version; the
 * subject and plain-text version are rendered without escaping. Templates are logic-less and see
 * only the data of the mail, so they cannot reach anything else (no prototype access either).
 *
 * Helpers (both versions):
 * - `{{url link}}` — `PUBLIC_URL` + an app path (`/vragen/…`), or a URL that already starts with
 *   `PUBLIC_URL`; anything else is refused, so a mail can only link into Vraagbaak.
 * - `{{paragraphs text}}` — multi-line user text; in HTML escaped, paragraphs and line breaks kept.
 * - `{{markdown text}}` — an answer written in Markdown; in HTML rendered and sanitised by the
 *   renderer the pages and articles use (links written out as text), in plain text as written.
 * - `{{datum value}}` / `{{datumtijd value}}` — a date in Dutch, Europe/Amsterdam.
 * - `{{rol role}}` — expert / coördinator / secretariaat; `{{#if (eq a b)}}`.
 */

/** Whoever the mail addresses; without a name the greeting is "Geachte heer, mevrouw,". */
interface Greeting {
  name?: string | null;
}

/** Every mail about a question names its reference (`WBS-2026-00042`) in the subject. */
export interface QuestionMail extends Greeting {
  reference: string;
  title: string;
  /** Link to the question for this recipient: an app path (`/vragen/<id>`) or a URL under PUBLIC_URL. */
  link: string;
}

/** A date as a Date or ISO string (data is stored as JSON, so dates come back as strings). */
export type DateValue = Date | string;

export interface DigestItem {
  /** The subject of the mail that was held for the digest (names the reference). */
  subject: string;
  link?: string | null;
}

/** The data each template needs. Never put internal (staff-only) messages in it. */
export interface TemplateData {
  'sign-in-link': Greeting & { link: string; validMinutes: number };
  /** `roles`: the roles the invitee gets (`expert`, `coordinator`, `secretariat`, `requester`). */
  invitation: Greeting & { roles: string[]; validDays: number; invitedBy?: string | null; link: string };
  'question-received': QuestionMail;
  'question-assigned': QuestionMail & { organisation?: string | null; respondBefore?: DateValue | null };
  /** To the expert (`audience: 'expert'`) or, about that expert, to the coordinators. */
  'assignment-reminder': QuestionMail & { audience: 'expert' | 'coordinator'; expertName?: string | null; assignedAt: DateValue; respondBefore?: DateValue | null };
  'clarification-requested': QuestionMail & { expertName?: string | null; message: string };
  'question-answered': QuestionMail & {
    expertName?: string | null;
    answer: string;
    confirmLink: string;
    reopenLink: string;
    rateLink: string;
  };
  'requester-replied': QuestionMail & { requesterName?: string | null; message: string };
  'question-unroutable': QuestionMail & { organisation?: string | null; reason?: string | null };
  'rating-request': QuestionMail;
  /** To the requester: the question belongs to another body. */
  'question-referred': QuestionMail & { to: string; reason: string };
  'handover-needed': QuestionMail & { expertName?: string | null; reason?: string | null };
  'sla-reminder': QuestionMail & { deadline: DateValue };
  'sla-breached': QuestionMail & { deadline: DateValue; expertName?: string | null };
  'daily-digest': Greeting & { date: DateValue; items: DigestItem[]; link: string };
  /**
   * To whoever replied by e-mail: what became of the reply (`message` posted, `note` posted
   * internally, `reopen-offered` not posted as the question is closed but may be reopened,
   * `closed` not posted); `refused`: attachments that failed the upload checks.
   */
  'reply-received': QuestionMail & { outcome: 'message' | 'note' | 'reopen-offered' | 'closed'; replyMode: ReplyMode; refused?: string[] };
  /** To the secretariat on the first working day of a quarter: the overview of the quarter that ended. */
  'quarterly-report': Greeting & { quarter: string; link: string };
}

/**
 * What a reply to a question mail becomes (the footer says so, the Reply-To address carries it):
 * the requester's message, the answering expert's message to the requester, or an internal note.
 */
export type ReplyMode = 'requester' | 'answer' | 'note';

const REQUESTER_MAILS: ReadonlySet<TemplateName> = new Set<TemplateName>(['question-received', 'clarification-requested', 'question-answered', 'rating-request', 'question-referred']);
const ANSWERER_MAILS: ReadonlySet<TemplateName> = new Set<TemplateName>(['question-assigned', 'requester-replied', 'sla-reminder']);

/** The reply mode of a question mail, from its template (and audience); null for mails that are not about one question. */
export function replyModeOf(name: TemplateName, data: unknown): ReplyMode | null {
  const record = (data ?? {}) as Record<string, unknown>;
  if (name === 'reply-received') return (['requester', 'answer', 'note'] as const).find((mode) => mode === record.replyMode) ?? null;
  if (REQUESTER_MAILS.has(name)) return 'requester';
  if (ANSWERER_MAILS.has(name)) return 'answer';
  if (name === 'assignment-reminder') return record.audience === 'expert' ? 'answer' : 'note';
  if (QUESTION_TEMPLATES.has(name)) return 'note';
  return null;
}

export type TemplateName = keyof TemplateData;

export const TEMPLATE_NAMES = [
  'sign-in-link',
  'invitation',
  'question-received',
  'question-assigned',
  'assignment-reminder',
  'clarification-requested',
  'question-answered',
  'requester-replied',
  'question-unroutable',
  'rating-request',
  'question-referred',
  'handover-needed',
  'sla-reminder',
  'sla-breached',
  'daily-digest',
  'reply-received',
  'quarterly-report',
] as const satisfies readonly TemplateName[];

/** Mails about one question: their data has a `reference` and their subject starts with `[reference]`. */
export const QUESTION_TEMPLATES: ReadonlySet<TemplateName> = new Set<TemplateName>(
  TEMPLATE_NAMES.filter((name) => !['sign-in-link', 'invitation', 'daily-digest', 'quarterly-report'].includes(name)),
);

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

type Compiled = (data: unknown) => string;

interface CompiledTemplate {
  subject: Compiled;
  text: Compiled;
  html: Compiled;
}

const ROLE_NAMES: Record<string, string> = {
  requester: 'vraagsteller',
  expert: 'expert',
  coordinator: 'coördinator',
  secretariat: 'medewerker van het secretariaat',
};

const dateFormat = new Intl.DateTimeFormat('nl-NL', { timeZone: TIME_ZONE, day: 'numeric', month: 'long', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('nl-NL', {
  timeZone: TIME_ZONE,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

function toDate(value: unknown): Date {
  // A bare day (2026-01-05) means that calendar day, not midnight UTC.
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value as string);
  if (Number.isNaN(date.getTime())) throw new Error(`Not a date in mail data: ${String(value)}`);
  return date;
}

/** "maandag 2 maart 2026 om 09:15" */
function formatDateTime(value: unknown): string {
  return dateTimeFormat.format(toDate(value));
}

/** Finds keys named `internal…` anywhere in mail data: internal messages never go into a mail. */
export function findInternalFields(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => findInternalFields(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object' || value instanceof Date) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const here = path ? `${path}.${key}` : key;
    return [...(/^internal/i.test(key) ? [here] : []), ...findInternalFields(inner, here)];
  });
}

/** Loads and compiles every template once (at startup); `render` is then pure and synchronous. */
export class MailTemplates {
  private readonly html = Handlebars.create();
  private readonly text = Handlebars.create();
  private readonly templates = new Map<TemplateName, CompiledTemplate>();
  private readonly layoutHtml: Compiled;
  private readonly layoutText: Compiled;

  /**
   * `repliesWork`: a reply domain is configured (MAIL_REPLY_DOMAIN), so question mails say what a
   * reply becomes instead of "a reply is not read".
   */
  constructor(
    readonly directory: string,
    readonly publicUrl: string,
    readonly repliesWork = false,
  ) {
    this.registerHelpers(this.html, true);
    this.registerHelpers(this.text, false);
    const read = (file: string) => readFileSync(join(directory, file), 'utf8');
    // Handlebars compiles lazily; parsing first makes a syntax error fail here, at startup.
    const compileHtml = (source: string): Compiled => (this.html.parse(source), this.html.compile(source));
    const compileText = (source: string): Compiled => (this.text.parse(source), this.text.compile(source, { noEscape: true }));
    for (const file of readdirSync(directory)) {
      const partial = /^_(.+)\.(html|txt)$/.exec(file);
      if (!partial) continue;
      const env = partial[2] === 'html' ? this.html : this.text;
      env.parse(read(file));
      env.registerPartial(partial[1], read(file));
    }
    this.layoutHtml = compileHtml(read('layout.html'));
    this.layoutText = compileText(read('layout.txt'));
    for (const name of TEMPLATE_NAMES) {
      this.templates.set(name, {
        subject: compileText(read(`${name}.subject`).trim()),
        text: compileText(read(`${name}.txt`)),
        html: compileHtml(read(`${name}.html`)),
      });
    }
  }

  /** Every template source file (templates, partials, layout), for checks such as "no internal fields". */
  static sourceFiles(directory: string): string[] {
    return readdirSync(directory).filter((file) => /\.(subject|txt|html)$/.test(file));
  }

  /**
   * Renders subject, plain text and HTML. Throws when the data carries internal fields, a link
   * is not an app path, or a question mail's subject would not start with its reference.
   */
  render<T extends TemplateName>(name: T, data: TemplateData[T]): RenderedMail {
    const template = this.templates.get(name);
    if (!template) throw new Error(`Unknown mail template "${name}"`);
    const internal = findInternalFields(data);
    if (internal.length > 0) throw new Error(`Mail data must not contain internal fields (${internal.join(', ')})`);
    const subject = template.subject(data).replace(/\s+/g, ' ').trim();
    if (QUESTION_TEMPLATES.has(name)) {
      const reference = (data as unknown as QuestionMail).reference;
      if (typeof reference !== 'string' || reference.trim() === '') throw new Error(`Mail "${name}" needs the question's reference`);
      if (!subject.startsWith(`[${reference}]`)) throw new Error(`The subject of "${name}" must start with [${reference}]`);
    }
    const layoutData = { subject, publicUrl: this.publicUrl, replyMode: this.repliesWork ? replyModeOf(name, data) : null };
    const html = this.layoutHtml({ ...layoutData, body: new Handlebars.SafeString(template.html(data)) });
    const text = this.layoutText({ ...layoutData, body: template.text(data).trim() });
    return { subject, text: normaliseText(text), html };
  }

  private registerHelpers(env: typeof Handlebars, html: boolean): void {
    const publicUrl = this.publicUrl;
    env.registerHelper('url', (link: unknown) => absoluteLink(publicUrl, link));
    env.registerHelper('paragraphs', (value: unknown) => {
      const text = String(value ?? '').replace(/\r\n?/g, '\n').trim();
      if (!html) return text;
      const paragraphs = text
        .split(/\n{2,}/)
        .map((paragraph) => `<p style="margin:0 0 12px 0">${env.escapeExpression(paragraph).replace(/\n/g, '<br>')}</p>`);
      return new env.SafeString(paragraphs.join('\n'));
    });
    env.registerHelper('markdown', (value: unknown) => {
      const source = String(value ?? '').replace(/\r\n?/g, '\n').trim();
      return html ? new env.SafeString(forMail(renderAnswerHtml(source))) : source;
    });
    env.registerHelper('datum', (value: unknown) => dateFormat.format(toDate(value)));
    env.registerHelper('datumtijd', (value: unknown) => formatDateTime(value));
    env.registerHelper('rol', (role: unknown) => ROLE_NAMES[String(role)] ?? String(role));
    env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  }
}

/** `/vragen/1` → `<PUBLIC_URL>/vragen/1`; a URL under PUBLIC_URL stays; anything else throws. */
export function absoluteLink(publicUrl: string, link: unknown): string {
  if (typeof link === 'string') {
    if (/^\/(?![/\\])/.test(link)) return `${publicUrl}${link}`;
    if (link.startsWith(publicUrl) && /^(?:$|[/?#])/.test(link.slice(publicUrl.length))) return link;
  }
  throw new Error(`Mail links must be app paths ("/…") or URLs under ${publicUrl} (got ${JSON.stringify(link)})`);
}

/**
 * Rendered (sanitised) Markdown made fit for a mail: paragraphs get the mail's inline style, and
 * links are written out as text, since a mail links only into Vraagbaak (see `url`).
 */
function forMail(html: string): string {
  return html
    .replace(/<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g, (_link, href: string, text: string) => (text === href ? text : `${text} (${href})`))
    .replace(/<p>/g, '<p style="margin:0 0 12px 0">');
}

/** Plain text: no trailing spaces, at most one empty line in a row, one final newline. */
function normaliseText(text: string): string {
  return `${text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
