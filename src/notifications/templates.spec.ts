import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { appPath } from '../infra/app-root.js';
import { MailTemplates, QUESTION_TEMPLATES, TEMPLATE_NAMES, absoluteLink, type TemplateData, type TemplateName } from './templates.js';

const DIR = appPath('templates', 'mail');
const PUBLIC_URL = 'https://vraagbaak.example.nl';
const EVIL = '<script>alert("x")</script> & "Bodem"';
const question = { reference: 'WBS-2026-00042', title: `Grondwater ${EVIL}`, name: `Mevrouw ${EVIL}`, link: '/vragen/42' };

/** Sample data for every template, with hostile text in every free-text field. */
const SAMPLES: { [K in TemplateName]: TemplateData[K] } = {
  'sign-in-link': { name: EVIL, link: `${PUBLIC_URL}/auth/callback?token=abc&x=1`, validMinutes: 15 },
  invitation: { name: EVIL, roles: ['expert', 'coordinator'], validDays: 7, invitedBy: EVIL, link: '/auth/callback?token=abc' },
  'question-received': question,
  'question-assigned': { ...question, organisation: `Gemeente ${EVIL}`, respondBefore: '2026-03-03T16:00:00Z' },
  'assignment-reminder': { ...question, audience: 'expert', assignedAt: '2026-03-02T08:15:00Z' },
  'clarification-requested': { ...question, expertName: EVIL, message: `Welke keuze?\n\nGraag ${EVIL}` },
  'question-answered': {
    ...question,
    expertName: EVIL,
    answer: `Het antwoord is ja.\n\nZie ${EVIL}`,
    confirmLink: '/vragen/42/bevestigen',
    reopenLink: '/vragen/42/heropenen',
    rateLink: '/vragen/42/beoordelen',
  },
  'requester-replied': { ...question, requesterName: EVIL, message: `Hier is de informatie ${EVIL}` },
  'question-unroutable': { ...question, organisation: EVIL, reason: `Geen expert voor ${EVIL}` },
  'rating-request': question,
  'question-referred': { ...question, to: 'IPLO', reason: 'Vraag over de Omgevingswet.' },
  'handover-needed': { ...question, expertName: EVIL, reason: EVIL },
  'sla-reminder': { ...question, deadline: '2026-03-10T16:00:00Z' },
  'sla-breached': { ...question, deadline: '2026-03-10T16:00:00Z', expertName: EVIL },
  'reply-received': { ...question, outcome: 'message', replyMode: 'requester', refused: [`${EVIL}.exe: niet toegestaan`] },
  'quarterly-report': { name: EVIL, quarter: '3e kwartaal 2026', link: '/reports/quarterly?year=2026&quarter=3' },
  'daily-digest': {
    name: EVIL,
    date: '2026-03-02',
    link: '/',
    items: [
      { subject: `[WBS-2026-00042] ${EVIL}`, link: '/vragen/42' },
      { subject: '[WBS-2026-00043] Zonder link', link: null },
    ],
  },
};

describe('MailTemplates', () => {
  const templates = new MailTemplates(DIR, PUBLIC_URL);

  it.each(TEMPLATE_NAMES)('renders %s with the layout, escaping user text in HTML only', (name) => {
    const mail = templates.render(name, SAMPLES[name] as never);
    expect(mail.subject).not.toMatch(/[\r\n]|\{\{/);
    expect(mail.html).toContain('<html lang="nl">');
    expect(mail.html).toContain('Met vriendelijke groet');
    expect(mail.text).toContain('Met vriendelijke groet');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.text).toContain('<script>alert("x")</script>');
    expect(mail.text).not.toContain('&lt;');
    expect(`${mail.html}${mail.text}`).not.toMatch(/\{\{|\}\}|undefined|\[object Object\]/);
    // Formal Dutch: "u", never "je/jij".
    expect(mail.text).not.toMatch(/\b(je|jij|jouw)\b/i);
    // Every link goes to PUBLIC_URL.
    for (const [, href] of mail.html.matchAll(/href="([^"]*)"/g)) expect(href.startsWith(PUBLIC_URL)).toBe(true);
  });

  it.each([...QUESTION_TEMPLATES])('names the reference first in the subject of %s', (name) => {
    const mail = templates.render(name, SAMPLES[name] as never);
    expect(mail.subject.startsWith('[WBS-2026-00042] ')).toBe(true);
    expect(mail.text).toContain('WBS-2026-00042');
  });

  it('says a reply is not read, unless a reply domain is configured; then what a reply becomes', () => {
    expect(templates.render('clarification-requested', SAMPLES['clarification-requested']).text).toContain('een antwoord op deze e-mail wordt niet gelezen');
    const replying = new MailTemplates(DIR, PUBLIC_URL, true);
    const requester = replying.render('clarification-requested', SAMPLES['clarification-requested']);
    expect(requester.text).toContain('U kunt op deze e-mail antwoorden: uw antwoord wordt als uw bericht bij de vraag geplaatst.');
    expect(requester.html).toContain('U kunt op deze e-mail antwoorden');
    expect(requester.text).not.toContain('niet gelezen');
    expect(replying.render('question-assigned', SAMPLES['question-assigned']).text).toContain('als bericht aan de vraagsteller');
    expect(replying.render('sla-breached', SAMPLES['sla-breached']).text).toContain('als interne notitie');
    expect(replying.render('assignment-reminder', { ...SAMPLES['assignment-reminder'], audience: 'coordinator' }).text).toContain('als interne notitie');
    // Mails that are not about one question cannot be answered.
    expect(replying.render('sign-in-link', SAMPLES['sign-in-link']).text).toContain('een antwoord op deze e-mail wordt niet gelezen');
  });

  it('confirms a reply by e-mail with the reference', () => {
    const mail = templates.render('reply-received', { ...question, outcome: 'message', replyMode: 'requester' });
    expect(mail.subject).toBe('[WBS-2026-00042] Uw reactie is toegevoegd aan WBS-2026-00042');
    const offer = templates.render('reply-received', { ...question, outcome: 'reopen-offered', replyMode: 'requester' });
    expect(offer.text).toContain('heropenen');
    expect(offer.text).toContain('Vraag bekijken of heropenen: https://vraagbaak.example.nl/vragen/42');
  });

  it('has a template for every question mail and only three others', () => {
    expect(TEMPLATE_NAMES.filter((name) => !QUESTION_TEMPLATES.has(name))).toEqual(['sign-in-link', 'invitation', 'daily-digest', 'quarterly-report']);
  });

  it('writes the texts the issue asks for', () => {
    expect(templates.render('sign-in-link', SAMPLES['sign-in-link']).text).toContain('15 minuten geldig');
    expect(templates.render('sign-in-link', SAMPLES['sign-in-link']).text).toContain('Als u dit niet hebt aangevraagd, kunt u deze e-mail negeren.');
    expect(templates.render('question-received', SAMPLES['question-received']).subject).toBe('[WBS-2026-00042] Uw vraag is ontvangen');
    expect(templates.render('invitation', SAMPLES.invitation).text).toContain('als expert en coördinator mee te werken');
    const answered = templates.render('question-answered', SAMPLES['question-answered']);
    expect(answered.text).toContain(`${PUBLIC_URL}/vragen/42/bevestigen`);
    expect(answered.text).toContain(`${PUBLIC_URL}/vragen/42/heropenen`);
    expect(answered.text).toContain(`${PUBLIC_URL}/vragen/42/beoordelen`);
    expect(answered.html).toContain('<p style="margin:0 0 12px 0">Het antwoord is ja.</p>');
    expect(templates.render('sla-breached', SAMPLES['sla-breached']).text).toContain('dinsdag 10 maart 2026 om 17:00');
    const coordinator = templates.render('assignment-reminder', { ...question, audience: 'coordinator', expertName: 'Jan Jansen', assignedAt: '2026-03-02T08:15:00Z' });
    expect(coordinator.text).toContain('toegewezen aan Jan Jansen');
    const digest = templates.render('daily-digest', SAMPLES['daily-digest']);
    expect(digest.subject).toBe('Dagoverzicht Vraagbaak WBS van 2 maart 2026');
    expect(digest.text).toContain('- [WBS-2026-00043] Zonder link');
  });

  it('renders a Markdown answer in the HTML mail as the pages do, and keeps it as written in the text', () => {
    const answer = 'Dit is **vet**.\n\n- een\n- zie [IPLO](https://iplo.nl/x)\n\n<script>alert(1)</script>';
    const mail = templates.render('question-answered', { ...SAMPLES['question-answered'], answer });
    expect(mail.html).toContain('<p style="margin:0 0 12px 0">Dit is <strong>vet</strong>.</p>');
    expect(mail.html).toContain('<li>een</li>');
    expect(mail.html).not.toMatch(/<script/i);
    expect(mail.html).not.toContain('**');
    // A mail links only into Vraagbaak: other links are written out.
    expect(mail.html).toContain('zie IPLO (https://iplo.nl/x)');
    for (const [, href] of mail.html.matchAll(/href="([^"]*)"/g)) expect(href.startsWith(PUBLIC_URL)).toBe(true);
    expect(mail.text).toContain('Dit is **vet**.');
    expect(mail.text).toContain('- zie [IPLO](https://iplo.nl/x)');
  });

  it('greets formally with or without a name', () => {
    expect(templates.render('rating-request', { ...question, name: 'mevrouw De Vries' }).text).toMatch(/^Geachte mevrouw De Vries,/);
    expect(templates.render('rating-request', { ...question, name: null }).text).toMatch(/^Geachte heer, mevrouw,/);
  });

  it('refuses internal fields, missing references and links outside PUBLIC_URL', () => {
    expect(() => templates.render('requester-replied', { ...SAMPLES['requester-replied'], internalNote: 'x' } as never)).toThrow(/internal/);
    expect(() => templates.render('daily-digest', { ...SAMPLES['daily-digest'], items: [{ subject: 's', internalMessage: 'x' }] } as never)).toThrow(
      /items\[0\]\.internalMessage/,
    );
    expect(() => templates.render('question-received', { ...question, reference: '' })).toThrow(/reference/);
    expect(() => templates.render('question-received', { ...question, link: 'https://evil.example/x' })).toThrow(/links/);
    expect(() => templates.render('question-received', { ...question, link: '//evil.example/x' })).toThrow(/links/);
    expect(() => templates.render('question-received', { ...question, link: `${PUBLIC_URL}.evil.example/x` })).toThrow(/links/);
    expect(() => templates.render('question-received', { ...question, link: 'javascript:alert(1)' })).toThrow(/links/);
  });

  it('makes links absolute under PUBLIC_URL', () => {
    expect(absoluteLink(PUBLIC_URL, '/vragen/1')).toBe(`${PUBLIC_URL}/vragen/1`);
    expect(absoluteLink(PUBLIC_URL, `${PUBLIC_URL}/auth?x=1`)).toBe(`${PUBLIC_URL}/auth?x=1`);
    expect(absoluteLink(PUBLIC_URL, PUBLIC_URL)).toBe(PUBLIC_URL);
    expect(() => absoluteLink(PUBLIC_URL, `${PUBLIC_URL}@evil.example`)).toThrow();
  });

  it('has no template, partial or layout that refers to an internal field', () => {
    const files = MailTemplates.sourceFiles(DIR);
    expect(files).toEqual(expect.arrayContaining(['layout.html', 'layout.txt', ...TEMPLATE_NAMES.flatMap((n) => [`${n}.subject`, `${n}.txt`, `${n}.html`])]));
    for (const file of files) {
      const source = readFileSync(join(DIR, file), 'utf8');
      const paths = collectPaths(Handlebars.parse(source));
      expect({ file, internal: paths.filter((p) => /internal/i.test(p)) }).toEqual({ file, internal: [] });
      expect(source).not.toMatch(/internal/i);
    }
  });
});

/** Every variable path (`a.b`, helper arguments, block params) used in a template's AST. */
function collectPaths(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) collectPaths(item, out);
  } else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.type === 'PathExpression') out.push(String(record.original));
    for (const [key, value] of Object.entries(record)) if (key !== 'loc') collectPaths(value, out);
  }
  return out;
}

describe('MailTemplates at startup', () => {
  it('fails on a template with a syntax error rather than at the first mail', () => {
    const copy = mkdtempSync(join(tmpdir(), 'vraagbaak-templates-'));
    try {
      cpSync(DIR, copy, { recursive: true });
      writeFileSync(join(copy, 'rating-request.html'), '{{#if name}}unclosed');
      expect(() => new MailTemplates(copy, PUBLIC_URL)).toThrow();
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
