import { simpleParser } from 'mailparser';
import { bounceReport, headerRecipients, isAutoReply } from './classify.js';

const mail = (headers: string[], body = 'Tekst') => `${['From: Jan <jan@amsterdam.nl>', 'To: x@antwoord.example.nl', ...headers].join('\r\n')}\r\n\r\n${body}\r\n`;
const ours = '<0b4e1c1e-7c9a-4a53-9d43-7c1f0a3e8f11.vraagbaak@example.nl>';

describe('isAutoReply', () => {
  it.each([
    ['Auto-Submitted: auto-replied', 'Subject: Re: vraag'],
    ['X-Autoreply: yes', 'Subject: Re: vraag'],
    ['X-Autorespond: yes', 'Subject: Re: vraag'],
    ['Precedence: bulk', 'Subject: Re: vraag'],
    ['Precedence: auto_reply', 'Subject: Re: vraag'],
    ['X-Other: 1', 'Subject: Afwezigheidsmelding: [WBS-2026-00042] vraag'],
    ['X-Other: 1', 'Subject: Automatisch antwoord: [WBS-2026-00042] vraag'],
    ['X-Other: 1', 'Subject: Out of Office: [WBS-2026-00042] vraag'],
    ['X-Other: 1', 'Subject: Automatic reply: [WBS-2026-00042] vraag'],
  ])('recognises %s / %s', async (...headers) => {
    expect(isAutoReply(await simpleParser(mail(headers)))).toBe(true);
  });

  it('leaves a person’s reply alone, also one saying Auto-Submitted: no', async () => {
    expect(isAutoReply(await simpleParser(mail(['Subject: Re: [WBS-2026-00042] Afwezig? Nee', 'Auto-Submitted: no'])))).toBe(false);
    expect(isAutoReply(await simpleParser(mail(['Subject: RE: [WBS-2026-00042] vraag'])))).toBe(false);
  });
});

describe('bounceReport', () => {
  it('reads a daemon’s report, and our Message-ID from its body only', async () => {
    const raw = `From: MAILER-DAEMON@mx.example.nl\r\nTo: x@antwoord.example.nl\r\nSubject: Undeliverable\r\nIn-Reply-To: <other.vraagbaak@example.nl>\r\n\r\nFinal-Recipient: rfc822; jan@amsterdam.nl\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 unknown\r\n\r\nMessage-ID: ${ours}\r\n`;
    expect(bounceReport(await simpleParser(raw), raw)).toEqual({ messageIds: [ours], recipient: 'jan@amsterdam.nl', reason: '5.1.1 smtp; 550 unknown' });
  });

  it('is null for a reply that quotes our Message-ID in its headers', async () => {
    const raw = mail(['Subject: Re: vraag', `In-Reply-To: ${ours}`, `References: ${ours}`]);
    expect(bounceReport(await simpleParser(raw), raw)).toBeNull();
  });
});

describe('headerRecipients', () => {
  it('reads Delivered-To, To and Cc, lower-cased and once', async () => {
    const parsed = await simpleParser(`Delivered-To: A@antwoord.example.nl\r\nTo: a@antwoord.example.nl, B <b@example.nl>\r\nCc: c@example.nl\r\nSubject: x\r\n\r\nx\r\n`);
    expect(headerRecipients(parsed)).toEqual(['a@antwoord.example.nl', 'b@example.nl', 'c@example.nl']);
  });
});
