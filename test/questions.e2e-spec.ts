import { Clock } from '../src/common/clock.js';
import { InProcessJobQueue } from '../src/infra/jobs/in-process-job-queue.js';
import { Reconciler } from '../src/infra/jobs/reconciler.js';
import { Database } from '../src/infra/database/database.service.js';
import { WorkingCalendar } from '../src/calendar/working-calendar.js';
import { acceptanceDue } from '../src/questions/acceptance.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, cookieHeader, cookiesOf, signInAs } from './support/auth.js';
import { TestSmtp, sentTo, startSmtp } from './support/smtp.js';
import type { ParsedMail } from 'mailparser';

const recipients = (mail: ParsedMail) => [mail.to].flat().flatMap((a) => (a ? a.value.map((v) => v.address?.toLowerCase()) : []));

describe('questions: intake, routing, lifecycle and mails (e2e)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let requester: TestUser;
  let otherRequester: TestUser;
  let expertBuilt: TestUser; // keuzes 21, 22 (bebouwd gebied)
  let expertTheme: TestUser; // whole theme 5 (bebouwd gebied)
  let expertPeat: TestUser; // keuze 25
  let coordinator: TestUser;
  let secretariat: TestUser;
  const drain = () => t.app.get(InProcessJobQueue).drain();

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url });
    requester = await signInAs(t, { roles: ['requester'], email: 'vrager@amsterdam.nl', displayName: 'Vera Vrager', organisationCode: 'GM0363' });
    otherRequester = await signInAs(t, { roles: ['requester'], organisationCode: 'GM0599' });
    expertBuilt = await signInAs(t, { roles: ['expert'], email: 'bouw@ienw.nl', displayName: 'Bram Bouw', keuzeIds: [21, 22], capacity: 5 });
    expertTheme = await signInAs(t, { roles: ['expert'], email: 'thema@ienw.nl', displayName: 'Thea Thema', themeIds: [5], capacity: 5 });
    expertPeat = await signInAs(t, { roles: ['expert'], email: 'veen@ienw.nl', displayName: 'Vince Veen', keuzeIds: [25], capacity: 1 });
    coordinator = await signInAs(t, { roles: ['coordinator'], email: 'coord@ienw.nl', displayName: 'Cora Coördinator' });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function submit(keuzeIds: number[], who: TestUser = requester, extra: Record<string, unknown> = {}) {
    const res = await t.http.post('/api/v1/questions').set(who.auth).send({ title: 'Bouwen bij de rivier', body: 'Mogen wij woningen bouwen in de uiterwaarden?', keuzeIds, ...extra }).expect(201);
    await drain();
    return (await t.http.get(`/api/v1/questions/${res.body.id}`).set(coordinator.auth).expect(200)).body;
  }
  const act = (who: TestUser, id: string, action: string, body: Record<string, unknown> = {}) => t.http.post(`/api/v1/questions/${id}/${action}`).set(who.auth).send(body);

  describe('intake', () => {
    it('answers 201 with a yearly reference and sends a receipt', async () => {
      const res = await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Peilbeheer', body: 'Hoe verhogen we het peil?', keuzeIds: [25], context: 'Polder Zegveld' }).expect(201);
      expect(res.body).toMatchObject({ status: 'submitted', organisationCode: 'GM0363', keuzeIds: [25], themeIds: [6], context: 'Polder Zegveld' });
      expect(res.body.reference).toMatch(/^WBS-\d{4}-\d{5,}$/);
      await drain();
      const receipt = await smtp.waitFor((m) => sentTo('vrager@amsterdam.nl')(m) && m.subject!.includes(res.body.reference));
      expect(receipt.subject).toContain(`[${res.body.reference}]`);
    });

    it('numbers references consecutively, also under concurrent submissions', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, () => t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'T', body: 'B', keuzeIds: [1] }).expect(201)),
      );
      const numbers = results.map((r) => Number(r.body.reference.split('-')[2])).sort((a, b) => a - b);
      expect(new Set(numbers).size).toBe(12);
      expect(numbers[11] - numbers[0]).toBe(11);
      await drain();
    });

    it.each([
      [{ title: '', body: 'b', keuzeIds: [1] }, 'title'],
      [{ title: '   ', body: 'b', keuzeIds: [1] }, 'title'],
      [{ title: 'x'.repeat(201), body: 'b', keuzeIds: [1] }, 'title'],
      [{ title: 't', body: 'x'.repeat(20001), keuzeIds: [1] }, 'body'],
      [{ title: 't', body: 'b', keuzeIds: [] }, 'keuzeIds'],
      [{ title: 't', body: 'b', keuzeIds: [1, 2, 3, 4, 5, 6] }, 'keuzeIds'],
      [{ title: 't', body: 'b', keuzeIds: [1, 34] }, 'keuzeIds[1]'],
      [{ title: 't', body: 'b', keuzeIds: [1], organisationCode: 'GM9999' }, 'organisationCode'],
      [{ title: 't', body: 'b', keuzeIds: [1], desiredAnswerDate: '2027-02-30' }, 'desiredAnswerDate'],
      [{ title: 't\u0000', body: 'b', keuzeIds: [1] }, 'title'],
    ])('rejects %j naming %s', async (body, field) => {
      const res = await t.http.post('/api/v1/questions').set(requester.auth).send(body).expect(400);
      expect(res.body.invalidParams.map((p: { name: string }) => p.name)).toContain(field);
    });
  });

  describe('routing', () => {
    it('prefers the expert with the most matching keuzes and records why', async () => {
      const both = await signInAs(t, { roles: ['expert'], email: 'twee@ienw.nl', keuzeIds: [11, 12], capacity: 5 });
      const one = await signInAs(t, { roles: ['expert'], keuzeIds: [11], capacity: 5 });
      const q = await submit([11, 12]);
      expect(q.status).toBe('assigned');
      expect(q.assignee.id).toBe(both.user.id);
      expect(q.routingNote).toMatchObject({ chosenExpertId: both.user.id, candidates: 2 });
      expect(q.routingNote.considered.map((c: { expertId: string; matchingKeuzes: number }) => [c.expertId, c.matchingKeuzes])).toEqual([
        [both.user.id, 2],
        [one.user.id, 1],
      ]);
      const mail = await smtp.waitFor((m) => sentTo('twee@ienw.nl')(m) && m.subject!.includes(q.reference));
      expect(mail.text).toContain(q.title);
    });

    it('matches through a theme, then balances by open load, then round robin', async () => {
      const q = await submit([23]); // only the theme expert covers keuze 23 (theme 5)
      expect(q.assignee.id).toBe(expertTheme.user.id);
      const a = await signInAs(t, { roles: ['expert'], keuzeIds: [13], capacity: 5 });
      const b = await signInAs(t, { roles: ['expert'], keuzeIds: [13], capacity: 5 });
      const first = await submit([13]);
      const second = await submit([13]);
      expect(new Set([first.assignee.id, second.assignee.id])).toEqual(new Set([a.user.id, b.user.id])); // lowest load
      // Both finish their question: equal load again, so the one assigned longest ago goes first.
      for (const [q2, who] of [[first, first.assignee.id === a.user.id ? a : b], [second, second.assignee.id === a.user.id ? a : b]] as const) {
        await act(who, q2.id, 'accept').expect(200);
        await act(who, q2.id, 'answer', { body: 'Klaar' }).expect(200);
      }
      const third = await submit([13]);
      expect(third.assignee.id).toBe(first.assignee.id);
    });

    it('goes to triage and tells the coordinators when nobody fits', async () => {
      const q = await submit([3]);
      expect(q.status).toBe('triage');
      expect(q.assignee).toBeNull();
      await smtp.waitFor((m) => sentTo('coord@ienw.nl')(m) && m.subject!.includes(q.reference));
    });

    it('respects capacity and skips experts who declined', async () => {
      const solo = await signInAs(t, { roles: ['expert'], keuzeIds: [26], capacity: 1 });
      const first = await submit([26]);
      expect(first.assignee.id).toBe(solo.user.id);
      const full = await submit([26]); // capacity 1 reached
      expect(full.status).toBe('triage');
      const declined = await act(solo, first.id, 'decline', { reason: 'Geen tijd' }).expect(200);
      expect(declined.body.status).toBe('submitted');
      await drain();
      const after = (await t.http.get(`/api/v1/questions/${first.id}`).set(coordinator.auth).expect(200)).body;
      expect(after.status).toBe('triage');
      expect(after.routingNote.excluded).toContain(solo.user.id);
      expect(after.timeline.find((e: { type: string }) => e.type === 'declined').reason).toBe('Geen tijd');
    });
  });

  describe('lifecycle', () => {
    it('walks assigned → in_progress → awaiting_requester → in_progress → answered → closed', async () => {
      const q = await submit([21, 22]);
      const expert = q.assignee.id === expertBuilt.user.id ? expertBuilt : expertTheme;
      await act(requester, q.id, 'confirm').expect(409);
      expect((await act(expert, q.id, 'accept').expect(200)).body.status).toBe('in_progress');
      await act(expert, q.id, 'accept').expect(409);
      const clarify = await act(expert, q.id, 'clarification-request', { message: 'Om welk perceel gaat het?' }).expect(200);
      expect(clarify.body.status).toBe('awaiting_requester');
      await drain();
      const isAsk = (m: ParsedMail) => m.subject!.includes(q.reference) && (m.text ?? '').includes('Om welk perceel');
      const ask = await smtp.waitFor((m) => sentTo('vrager@amsterdam.nl')(m) && isAsk(m));
      // One mail, to the requester alone, with the link to answer on the question's page.
      expect(smtp.messages.filter(isAsk).map(recipients)).toEqual([['vrager@amsterdam.nl']]);
      expect(ask.text).toContain(`http://vraagbaak.test/vragen/${q.id}`);
      await act(expert, q.id, 'answer', { body: 'Nog niet' }).expect(409);
      const reply = await t.http.post(`/api/v1/questions/${q.id}/messages`).set(requester.auth).send({ body: 'Perceel 12 aan de dijk.' }).expect(200);
      expect(reply.body.status).toBe('in_progress');
      await drain();
      await smtp.waitFor((m) => sentTo(expert.user.email)(m) && (m.text ?? '').includes('Perceel 12'));
      await t.http.post(`/api/v1/questions/${q.id}/messages`).set(expert.auth).send({ body: 'Intern: check met waterschap', internal: true }).expect(200);
      const answered = await act(expert, q.id, 'answer', { body: 'U mag daar niet bouwen (keuze 22).' }).expect(200);
      expect(answered.body).toMatchObject({ status: 'answered', answer: 'U mag daar niet bouwen (keuze 22).' });
      expect(answered.body.autoCloseAt).toBeTruthy();
      await drain();
      const answerMail = await smtp.waitFor((m) => sentTo('vrager@amsterdam.nl')(m) && (m.text ?? '').includes('U mag daar niet bouwen'));
      expect(answerMail.subject).toContain(q.reference);
      // Internal notes never reach requesters: not in mails, not in their view.
      expect(smtp.messages.some((m) => (m.text ?? '').includes('Intern: check') || String(m.html).includes('Intern: check'))).toBe(false);
      const requesterView = (await t.http.get(`/api/v1/questions/${q.id}`).set(requester.auth).expect(200)).body;
      expect(JSON.stringify(requesterView)).not.toContain('Intern: check');
      expect(requesterView.routingNote).toBeUndefined();
      expect(requesterView.timeline.every((e: { details?: unknown }) => e.details === undefined)).toBe(true);
      const staffView = (await t.http.get(`/api/v1/questions/${q.id}`).set(coordinator.auth).expect(200)).body;
      expect(staffView.messages.some((m: { internal: boolean }) => m.internal)).toBe(true);

      const closed = await act(requester, q.id, 'confirm', { consentToNameOrganisation: true }).expect(200);
      expect(closed.body.status).toBe('closed');
      await drain();
      await smtp.waitFor((m) => sentTo('vrager@amsterdam.nl')(m) && m.subject!.includes(q.reference) && /oordeel|vindt u/i.test(m.subject!));
      const rating = await act(requester, q.id, 'rating', { score: 4, comment: 'Helder' }).expect(201);
      expect(rating.body.score).toBe(4);
      await act(requester, q.id, 'rating', { score: 5 }).expect(409);
      const timeline = staffView.timeline.map((e: { type: string }) => e.type);
      expect(timeline).toEqual(expect.arrayContaining(['submitted', 'routed', 'accepted', 'clarification_requested', 'requester_replied']));
    });

    it('reopens within 30 days to the same expert, and not after', async () => {
      const q = await submit([21, 22]);
      const expert = q.assignee.id === expertBuilt.user.id ? expertBuilt : expertTheme;
      await act(expert, q.id, 'accept').expect(200);
      await act(expert, q.id, 'answer', { body: 'Antwoord' }).expect(200);
      const reopened = await act(requester, q.id, 'reopen', { reason: 'Nog een vervolgvraag' }).expect(200);
      expect(reopened.body).toMatchObject({ status: 'in_progress', reopenCount: 1, assignee: { id: expert.user.id } });
      await act(expert, q.id, 'answer', { body: 'Tweede antwoord' }).expect(200);
      const clock = t.app.get(Clock);
      const realNow = clock.now.bind(clock);
      clock.now = () => new Date(realNow().getTime() + 31 * 24 * 3_600_000);
      try {
        const later = await signInAs(t, { roles: ['requester'], email: requester.user.email, organisationCode: 'GM0363' });
        const late = await act(later, q.id, 'reopen', { reason: 'Te laat' }).expect(409);
        expect(late.headers['content-type']).toMatch(/problem\+json/);
      } finally {
        clock.now = realNow;
      }
    });

    it('closes an answered question automatically after 10 working days', async () => {
      const q = await submit([21, 22]);
      const expert = q.assignee.id === expertBuilt.user.id ? expertBuilt : expertTheme;
      await act(expert, q.id, 'accept').expect(200);
      const answered = (await act(expert, q.id, 'answer', { body: 'Klaar' }).expect(200)).body;
      await drain();
      const clock = t.app.get(Clock);
      const realNow = clock.now.bind(clock);
      clock.now = () => new Date(new Date(answered.autoCloseAt).getTime() + 1000);
      try {
        await t.app.get(Reconciler).reconcileNow();
        await drain();
      } finally {
        clock.now = realNow;
      }
      const after = (await t.http.get(`/api/v1/questions/${q.id}`).set(requester.auth).expect(200)).body;
      expect(after.status).toBe('closed');
      expect(after.timeline.at(-1).type).toBe('auto_closed');
    });

    it('reminds about an unaccepted assignment once: at the acceptance deadline the expert, a working day later the coordinators', async () => {
      const q = await submit([21, 22]);
      const expert = q.assignee.id === expertBuilt.user.id ? expertBuilt : expertTheme;
      const reminders = () =>
        smtp.messages
          .filter((m) => m.subject === `[${q.reference}] Herinnering: vraag nog niet geaccepteerd`)
          .flatMap(recipients)
          .sort();
      const calendar = t.app.get(WorkingCalendar);
      const clock = t.app.get(Clock);
      const realNow = clock.now.bind(clock);
      const reconcileAt = async (at: Date) => {
        clock.now = () => new Date(at);
        await t.app.get(Reconciler).reconcileNow();
        await drain();
      };
      try {
        const oneDay = acceptanceDue(calendar, new Date(q.assignedAt), 1);
        await reconcileAt(new Date(oneDay.getTime() - 60_000));
        expect(reminders()).toEqual([]);
        await reconcileAt(new Date(oneDay.getTime() + 1000));
        await reconcileAt(new Date(oneDay.getTime() + 2000));
        expect(reminders()).toEqual([expert.user.email]);
        await reconcileAt(new Date(acceptanceDue(calendar, new Date(q.assignedAt), 2).getTime() + 1000));
        const coordinators = ((await t.app.get(Database).manager.query(`SELECT email FROM users WHERE roles LIKE '%,coordinator,%' AND active = ${t.app.get(Database).kind === 'postgres' ? 'true' : '1'}`)) as { email: string }[]).map((u) => u.email);
        expect(coordinators).toContain('coord@ienw.nl');
        expect(reminders()).toEqual([expert.user.email, ...coordinators].sort());
      } finally {
        clock.now = realNow;
      }
    });

    it('lets the coordinator assign and refer, and the requester withdraw', async () => {
      const triaged = await submit([3]);
      await act(expertBuilt, triaged.id, 'assign', { expertId: expertBuilt.user.id }).expect(403);
      const assigned = await act(coordinator, triaged.id, 'assign', { expertId: expertBuilt.user.id }).expect(200);
      expect(assigned.body).toMatchObject({ status: 'assigned', assignee: { id: expertBuilt.user.id } });
      await act(coordinator, triaged.id, 'assign', { expertId: requester.user.id }).expect(400);
      const referred = await act(coordinator, triaged.id, 'refer', { to: 'IPLO', reason: 'Vraag over de Omgevingswet' }).expect(200);
      expect(referred.body).toMatchObject({ status: 'referred', referredTo: 'IPLO' });
      await act(requester, triaged.id, 'withdraw').expect(409);
      await act(coordinator, triaged.id, 'assign', { expertId: expertBuilt.user.id }).expect(409);
      await drain();
      await smtp.waitFor((m) => sentTo('vrager@amsterdam.nl')(m) && m.subject!.includes(triaged.reference) && m.subject!.includes('IPLO'));

      const other = await submit([3]);
      await act(otherRequester, other.id, 'withdraw').expect(404);
      expect((await act(requester, other.id, 'withdraw').expect(200)).body.status).toBe('withdrawn');
      await act(requester, other.id, 'withdraw').expect(409);
    });

    it('lets exactly one of two simultaneous actions win', async () => {
      const q = await submit([3]);
      const results = await Promise.all([
        act(coordinator, q.id, 'assign', { expertId: expertBuilt.user.id }),
        act(requester, q.id, 'withdraw'),
        act(coordinator, q.id, 'refer', { to: 'Waterschap', reason: 'Lokaal' }),
      ]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
      // A final state can only have been reached once.
      const final = (await t.http.get(`/api/v1/questions/${q.id}`).set(coordinator.auth).expect(200)).body;
      const finals = final.timeline.filter((e: { type: string }) => ['withdrawn', 'referred'].includes(e.type));
      expect(finals.length).toBeLessThanOrEqual(1);
    });

    it('only lets the assignee act as expert', async () => {
      const q = await submit([21, 22]);
      const other = q.assignee.id === expertBuilt.user.id ? expertTheme : expertBuilt;
      await act(other, q.id, 'accept').expect(404); // not assigned to them: invisible
      await act(coordinator, q.id, 'accept').expect(403);
    });
  });

  describe('scoping', () => {
    it('shows requesters only their own questions and experts only theirs', async () => {
      const mine = await submit([21]);
      const theirs = await submit([21], otherRequester);
      const list = (await t.http.get('/api/v1/questions?pageSize=100').set(requester.auth).expect(200)).body;
      expect(list.data.every((q: { requester: { id: string } }) => q.requester.id === requester.user.id)).toBe(true);
      await t.http.get(`/api/v1/questions/${theirs.id}`).set(requester.auth).expect(404);
      await t.http.get(`/api/v1/questions/${mine.id}`).set(otherRequester.auth).expect(404);
      const expertList = (await t.http.get('/api/v1/questions?assignee=me&pageSize=100').set(expertPeat.auth).expect(200)).body;
      expect(expertList.data.every((q: { assignee: { id: string } }) => q.assignee.id === expertPeat.user.id)).toBe(true);
      const all = (await t.http.get('/api/v1/questions?pageSize=1').set(secretariat.auth).expect(200)).body;
      expect(all.page.total).toBeGreaterThan(list.page.total);
      const filtered = (await t.http.get('/api/v1/questions?themeId=6&pageSize=100').set(coordinator.auth).expect(200)).body;
      expect(filtered.data.every((q: { themeIds: number[] }) => q.themeIds.includes(6))).toBe(true);
      await t.http.get('/api/v1/questions?status=unknown').set(coordinator.auth).expect(400);
    });

    it('keeps attachments to the question’s people and serves them as downloads', async () => {
      const q = await submit([21]);
      const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
      const up = await t.http.post(`/api/v1/questions/${q.id}/attachments`).set(requester.auth).attach('file', pdf, 'plan.pdf').expect(201);
      expect(up.body).toMatchObject({ filename: 'plan.pdf', contentType: 'application/pdf', size: pdf.length });
      await t.http.post(`/api/v1/questions/${q.id}/attachments`).set(requester.auth).attach('file', Buffer.from('<script>alert(1)</script>'), 'x.pdf').expect(415);
      const down = await t.http.get(`/api/v1/questions/${q.id}/attachments/${up.body.id}`).set(requester.auth).expect(200);
      expect(down.headers['content-disposition']).toMatch(/^attachment;/);
      expect(down.headers['content-type']).toBe('application/octet-stream');
      await t.http.get(`/api/v1/questions/${q.id}/attachments/${up.body.id}`).set(otherRequester.auth).expect(404);
    });
  });

  describe('pages behind the mail links', () => {
    it('shows the question with the actions open to the reader, escaped, and performs them', async () => {
      const q = await submit([21, 22], requester, { title: 'Dijk <script>alert(1)</script>' });
      const expert = q.assignee.id === expertBuilt.user.id ? expertBuilt : expertTheme;
      // Anonymous: the 401 page of a browser, a sign-in form that returns to the question.
      const anonymous = await t.http.get(`/vragen/${q.id}`).set('Accept', 'text/html').expect(401);
      expect(anonymous.text).toContain('Stuur mij een inloglink');
      expect(anonymous.text).not.toContain('Dijk');
      const expertPage = await t.http.get(`/vragen/${q.id}`).set(expert.auth).expect(200);
      expect(expertPage.text).toContain('Dijk &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(expertPage.text).not.toContain('<script>');
      expect(expertPage.text).toContain('action="/vragen/' + q.id + '/accept"');
      await t.http.post(`/vragen/${q.id}/accept`).set(expert.auth).type('form').send({}).expect(303);
      await t.http.post(`/vragen/${q.id}/answer`).set(expert.auth).type('form').send({ body: 'Zie keuze 22.' }).expect(303);
      await drain();
      const mail = await smtp.waitFor((m) => sentTo('vrager@amsterdam.nl')(m) && (m.text ?? '').includes('Zie keuze 22.'));
      expect(mail.text).toContain(`/vragen/${q.id}#bevestigen`);
      const requesterPage = await t.http.get(`/vragen/${q.id}`).set(requester.auth).expect(200);
      expect(requesterPage.text).toContain('id="bevestigen"');
      expect(requesterPage.text).not.toContain('Interne notitie');
      await t.http.post(`/vragen/${q.id}/rating`).set(requester.auth).type('form').send({ score: '9' }).expect(400);
      await t.http.post(`/vragen/${q.id}/confirm`).set(requester.auth).type('form').send({ consent: 'on' }).expect(303);
      const after = (await t.http.get(`/api/v1/questions/${q.id}`).set(requester.auth).expect(200)).body;
      expect(after.status).toBe('closed');
      await t.http.post(`/vragen/${q.id}/confirm`).set(requester.auth).type('form').send({}).expect(409);
      await t.http.post('/auth/sign-in-link').type('form').send({ email: 'vrager@amsterdam.nl' }).expect(200);
    });

    it('renders a Markdown answer on the page and in the HTML mail as articles do, without script', async () => {
      const q = await submit([21], requester, { title: 'Markdown in het antwoord' });
      const expert = q.assignee.id === expertBuilt.user.id ? expertBuilt : expertTheme;
      await act(expert, q.id, 'accept').expect(200);
      await act(expert, q.id, 'answer', { body: 'Dit is **vet**.\n\n- een\n- twee\n\n<script>alert(1)</script>' }).expect(200);
      await drain();
      const mail = await smtp.waitFor((m) => sentTo('vrager@amsterdam.nl')(m) && (m.subject ?? '').includes(q.reference) && (m.text ?? '').includes('**vet**'));
      expect(mail.html).toContain('<strong>vet</strong>');
      expect(mail.html).toContain('<li>een</li>');
      expect(mail.html).not.toMatch(/<script/i);
      expect(mail.text).toContain('Dit is **vet**.');
      const page = (await t.http.get(`/vragen/${q.id}`).set(requester.auth).expect(200)).text;
      expect(page).toContain('<p>Dit is <strong>vet</strong>.</p>');
      expect(page).toContain('<li>een</li>');
      expect(page).not.toContain('**vet**');
      expect(page).not.toMatch(/<script/i);
    });

    it('brings someone who signs in from a question page back to that question', async () => {
      const q = await submit([21], requester, { title: 'Terug naar de vraag' });
      const signInForm = (await t.http.get(`/vragen/${q.id}`).set('Accept', 'text/html').expect(401)).text;
      const returnTo = signInForm.match(/name="returnTo" value="([^"]+)"/)![1];
      expect(returnTo).toBe(`/vragen/${q.id}`);
      const linkMail = async (send: () => Promise<unknown>) => {
        const before = smtp.to('vrager@amsterdam.nl').length;
        await send();
        return smtp.waitFor((m) => sentTo('vrager@amsterdam.nl')(m) && smtp.to('vrager@amsterdam.nl').indexOf(m) >= before && (m.text ?? '').includes('/auth/callback'));
      };
      const mail = await linkMail(() => t.http.post('/auth/sign-in-link').type('form').send({ email: 'vrager@amsterdam.nl', returnTo }).expect(200));
      const link = new URL(mail.text!.match(/https?:\/\/\S+\/auth\/callback\?\S+/)![0]);
      expect(link.searchParams.get('next')).toBe(`/vragen/${q.id}`);
      const button = await t.http.get(`${link.pathname}${link.search}`).expect(200);
      expect(button.text).toContain(`name="next" value="/vragen/${q.id}"`);
      const signedIn = await t.http
        .post('/auth/callback')
        .set('Cookie', cookieHeader(cookiesOf(button)))
        .type('form')
        .send({ token: link.searchParams.get('token'), login: button.text.match(/name="login" value="([^"]+)"/)![1], next: `/vragen/${q.id}` })
        .expect(303);
      expect(signedIn.headers.location).toBe(`/vragen/${q.id}`);
      const page = await t.http.get(signedIn.headers.location).set('Cookie', cookieHeader(cookiesOf(signedIn))).expect(200);
      expect(page.text).toContain('Terug naar de vraag');

      // Another site is never a destination: the API refuses it, the form leaves it out of the link.
      const refused = await t.http.post('/api/v1/auth/sign-in-links').send({ email: 'vrager@amsterdam.nl', returnTo: 'https://evil.example/' }).expect(400);
      expect(refused.body.invalidParams.map((p: { name: string }) => p.name)).toEqual(['returnTo']);
      for (const evil of ['https://evil.example/', '//evil.example/x']) {
        const other = await linkMail(() => t.http.post('/auth/sign-in-link').type('form').send({ email: 'vrager@amsterdam.nl', returnTo: evil }).expect(200));
        expect(other.text).not.toContain('next=');
      }
    });
  });

  describe('reconciliation', () => {
    it('routes a question whose routing job was lost', async () => {
      const db = t.app.get(Database);
      const res = await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Verloren', body: 'b', keuzeIds: [21] }).expect(201);
      await drain();
      // Simulate a lost job: put it back as unrouted, submitted long ago.
      await db.transaction((m) => m.query(`UPDATE questions SET status = 'submitted', assignee_id = NULL, submitted_at = ${db.kind === 'postgres' ? "now() - interval '1 hour'" : "datetime('now', '-1 hour')"} WHERE id = '${res.body.id}'`));
      await t.app.get(Reconciler).reconcileNow();
      await drain();
      const after = (await t.http.get(`/api/v1/questions/${res.body.id}`).set(coordinator.auth).expect(200)).body;
      expect(after.status).toBe('assigned');
    });

    it('routes assigned questions again when the expert is deactivated, and flags in-progress ones', async () => {
      const spare = await signInAs(t, { roles: ['expert'], keuzeIds: [30], capacity: 10 });
      const backup = await signInAs(t, { roles: ['expert'], keuzeIds: [30], capacity: 10 });
      const a = await submit([30]);
      const b = await submit([30]);
      const first = a.assignee.id === spare.user.id ? a : b;
      const owner = first.assignee.id === spare.user.id ? spare : backup;
      await act(owner, first.id, 'accept').expect(200);
      const second = await submit([30]);
      const assignedToOwner = second.assignee.id === owner.user.id ? second : null;
      await t.http.post(`/api/v1/users/${owner.user.id}/deactivate`).set(secretariat.auth).expect(200);
      await drain();
      const flagged = (await t.http.get(`/api/v1/questions/${first.id}`).set(coordinator.auth).expect(200)).body;
      expect(flagged.needsHandover).toBe(true);
      if (assignedToOwner) {
        const moved = (await t.http.get(`/api/v1/questions/${assignedToOwner.id}`).set(coordinator.auth).expect(200)).body;
        expect(moved.assignee.id).not.toBe(owner.user.id);
      }
      await smtp.waitFor((m) => sentTo('coord@ienw.nl')(m) && m.subject!.includes(first.reference) && /overdracht|overdragen|handover/i.test(`${m.subject} ${m.text}`));
    });
  });
});

describe('staff search over questions (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('finds questions by Dutch stems, compounds and answers, for staff only', async () => {
    const requester = await signInAs(t, { roles: ['requester'] });
    const expert = await signInAs(t, { roles: ['expert'], keuzeIds: [25, 31], capacity: 50 });
    const coordinator = await signInAs(t, { roles: ['coordinator'] });
    const drain = () => t.app.get(InProcessJobQueue).drain();
    const submitted = [];
    for (const [title, body, keuze] of [
      ['Grondwaterstanden in het veenweidegebied', 'Hoe verhogen we de grondwaterstand om bodemdaling te remmen?', 25],
      ['Beregening op hoge zandgronden', 'Mogen boeren grondwater onttrekken voor beregening?', 31],
    ] as const) {
      submitted.push((await t.http.post('/api/v1/questions').set(requester.auth).send({ title, body, keuzeIds: [keuze] }).expect(201)).body);
    }
    await drain();
    await t.http.post(`/api/v1/questions/${submitted[1].id}/accept`).set(expert.auth).expect(200);
    await t.http.post(`/api/v1/questions/${submitted[1].id}/answer`).set(expert.auth).send({ body: 'Onttrekkingen rond Natura 2000-gebieden worden beperkt.' }).expect(200);
    const byStem = (await t.http.get('/api/v1/questions?q=grondwaterstand').set(coordinator.auth).expect(200)).body;
    expect(byStem.data[0].id).toBe(submitted[0].id);
    expect(byStem.data[0].snippet).toContain('<mark>');
    const compound = (await t.http.get('/api/v1/questions?q=veenweide').set(expert.auth).expect(200)).body;
    expect(compound.data.map((q: { id: string }) => q.id)).toContain(submitted[0].id);
    const inAnswer = (await t.http.get('/api/v1/questions?q=natura').set(coordinator.auth).expect(200)).body;
    expect(inAnswer.data[0].id).toBe(submitted[1].id);
    await t.http.get('/api/v1/questions?q=grondwater').set(requester.auth).expect(403);
    await t.http.get('/api/v1/questions?q=%22%22').set(coordinator.auth).expect(400);
  });

  it('publishes an anonymised article from an answered question and counts answers by reference', async () => {
    const requester = await signInAs(t, { roles: ['requester'], displayName: 'Petra Pieterse', email: 'p.pieterse@utrecht.nl', organisationCode: 'GM0344' });
    const expert = await signInAs(t, { roles: ['expert'], displayName: 'Erik Expert', keuzeIds: [21], capacity: 50 });
    const secretariat = await signInAs(t, { roles: ['secretariat'] });
    const coordinator = await signInAs(t, { roles: ['coordinator'] });
    const drain = () => t.app.get(InProcessJobQueue).drain();
    const q = (
      await t.http
        .post('/api/v1/questions')
        .set(requester.auth)
        .send({ title: 'Woningbouw bij de Vecht', body: 'Ik ben Petra Pieterse (p.pieterse@utrecht.nl, 06-12345678), Dorpsstraat 12, 3512 AB Utrecht. Mogen we bouwen?', keuzeIds: [21] })
        .expect(201)
    ).body;
    await drain();
    await t.http.post(`/api/v1/questions/${q.id}/accept`).set(expert.auth).expect(200);
    await t.http.post(`/api/v1/questions/${q.id}/messages`).set(expert.auth).send({ body: 'GEHEIM intern overleg', internal: true }).expect(200);
    await t.http.post(`/api/v1/questions/${q.id}/answer`).set(expert.auth).send({ body: 'Beste Petra Pieterse, kijk naar keuze 21 van Erik Expert.' }).expect(200);
    const draft = (await t.http.post('/api/v1/articles').set(expert.auth).send({ questionId: q.id }).expect(201)).body;
    const text = JSON.stringify({ title: draft.title, question: draft.question, answer: draft.answer, answerHtml: draft.answerHtml });
    for (const personal of ['Petra', 'Pieterse', 'p.pieterse@utrecht.nl', '06-12345678', '3512 AB', 'Dorpsstraat 12', 'Erik', 'GEHEIM', 'Utrecht']) {
      expect([personal, text.includes(personal)]).toEqual([personal, false]);
    }
    expect(draft.removedPersonalData.length).toBeGreaterThan(3);
    await t.http.post(`/api/v1/articles/${draft.id}/submit`).set(expert.auth).expect(200);
    await t.http.post(`/api/v1/articles/${draft.id}/publish`).set(secretariat.auth).expect(200);
    const published = (await t.http.get(`/api/v1/articles/${draft.id}`).expect(200)).body;
    expect(JSON.stringify(published)).not.toMatch(/Petra|Pieterse|pieterse@|GEHEIM/);

    // Answering by reference: only published articles, and the reuse is counted.
    const next = (await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Nog een vraag', body: 'Bouwen?', keuzeIds: [21] }).expect(201)).body;
    await drain();
    await t.http.post(`/api/v1/questions/${next.id}/accept`).set(expert.auth).expect(200);
    await t.http.post(`/api/v1/questions/${next.id}/answer`).set(expert.auth).send({ body: 'Zie het artikel.', articleIds: ['00000000-0000-4000-8000-000000000000'] }).expect(400);
    await t.http.post(`/api/v1/questions/${next.id}/answer`).set(expert.auth).send({ body: 'Zie het artikel.', articleIds: [draft.id] }).expect(200);
    const staffView = (await t.http.get(`/api/v1/articles/${draft.id}`).set(coordinator.auth).expect(200)).body;
    expect(JSON.stringify(staffView)).toMatch(/"reuseCount":1|"reuse":1|"reuses":1/);
  });
});
