import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { APP_ROOT } from '../infra/app-root.js';
import { bodyText, htmlToText, replyText } from './reply-text.js';

const FIXTURES = join(APP_ROOT, 'test', 'fixtures', 'mail');

/** A fixture reply with its placeholders filled in. */
export function fixtureMail(name: string, values: { from?: string; to?: string; reference?: string; messageId?: string } = {}): string {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .replaceAll('__FROM__', values.from ?? 'jan.jansen@amsterdam.nl')
    .replaceAll('__TO__', values.to ?? 'reply@antwoord.example.nl')
    .replaceAll('__REFERENCE__', values.reference ?? 'WBS-2026-00042')
    .replaceAll('__MESSAGE_ID__', values.messageId ?? 'fixture@amsterdam.nl');
}

describe('replyText', () => {
  it.each(readdirSync(FIXTURES).filter((f) => f.endsWith('.eml')))('keeps only the new text of %s', async (name) => {
    const mail = await simpleParser(fixtureMail(name), { skipHtmlToText: true });
    const text = replyText(bodyText(mail));
    expect(text).toContain('Het gaat om polder Zegveld, perceel 12. De grondwaterstand daar is gemiddeld 40 cm onder maaiveld.');
    expect(text).not.toMatch(/Over welke polder|Kenmerk|Vraagbaak WBS|iPhone|Beleidsadviseur|schreef|geschreven|wrote/);
  });

  it('cuts Dutch and English markers and signatures', () => {
    expect(replyText('Ja, klopt.\n\n-----Oorspronkelijk bericht-----\nVan: x\nOud')).toBe('Ja, klopt.');
    expect(replyText('Ja.\n\nVan: Vraagbaak WBS\nVerzonden: maandag\nOud')).toBe('Ja.');
    expect(replyText('Yes.\n\nFrom: Vraagbaak WBS\nSent: Monday\nOld')).toBe('Yes.');
    expect(replyText('Ja.\n-- \nJan')).toBe('Ja.');
    expect(replyText('Regel een\n\nRegel twee\n> geciteerd')).toBe('Regel een\n\nRegel twee');
  });

  it('reads HTML-only mails as text without the quoted part', () => {
    expect(htmlToText('<div>Ja &amp; nee&nbsp;&#233;</div><blockquote>oud</blockquote><p>Twee</p>')).toBe('Ja & nee é\n\nTwee');
  });

  it('leaves a reply without markers alone', () => {
    expect(replyText('Het perceel ligt in Zegveld.\nZie ook de kaart.')).toBe('Het perceel ligt in Zegveld.\nZie ook de kaart.');
  });
});
