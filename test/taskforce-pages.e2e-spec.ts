import { randomUUID } from 'node:crypto';
import { Database } from '../src/infra/database/database.service.js';
import { InboundMessage } from '../src/inbound/inbound.entities.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { BrowserSession, TestUser, browserSession, signInAs } from './support/auth.js';
import { ESCAPED, HOSTILE, count, expectPage, pageGet, pagePost } from './support/pages.js';
import { publishArticle } from './support/articles.js';

/** What Chrome and Firefox send when a person opens a page. */
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';



/** The hidden fields of a staff form as the page rendered them. */
function versionFields(html: string): { version: string; geladen: string } {
  return { version: /name="version" value="(\d+)"/.exec(html)![1], geladen: /name="geladen" value="([^"]+)"/.exec(html)![1] };
}

describe('taskforce pages: /werkvoorraad, /triage and the staff question page (e2e)', () => {
  let t: TestApp;
  let expert: BrowserSession;
  let otherExpert: BrowserSession;
  let coordinator: BrowserSession;
  let requester: BrowserSession;
  let articleId: string;

  const get = (who: BrowserSession | null, path: string) => pageGet(t, who, path);
  const post = (who: BrowserSession, path: string, form: Record<string, string | string[]>) => pagePost(t, who, path, form);
  async function ask(title: string, keuzeIds = [21]): Promise<string> {
    const res = await t.http.post('/api/v1/questions').set(requester.api.auth).send({ title, body: `Hoe gaan wij om met bodemdaling? ${HOSTILE}`, keuzeIds }).expect(201);
    await t.drain();
    return res.body.id;
  }
  const status = async (id: string) => (await t.http.get(`/api/v1/questions/${id}`).set(coordinator.api.auth).expect(200)).body.status;

  beforeAll(async () => {
    t = await startTestApp();
    expert = await browserSession(t, await signInAs(t, { roles: ['expert'], keuzeIds: [21, 22], capacity: 50, displayName: `Eva ${HOSTILE}` }));
    otherExpert = await browserSession(t, await signInAs(t, { roles: ['expert'], keuzeIds: [30], capacity: 5, displayName: 'Otto Overig' }));
    coordinator = await browserSession(t, await signInAs(t, { roles: ['coordinator'], displayName: 'Cor Coördinator' }));
    requester = await browserSession(t, await signInAs(t, { roles: ['requester'], displayName: 'Jan de Vries' }));
    const secretariat = await signInAs(t, { roles: ['secretariat'] });
    articleId = await publishArticle(t, expert.api, secretariat, {
      title: 'Woningbouw bij bodemdaling',
      question: 'Mogen wij bouwen in een polder met bodemdaling?',
      answer: 'Kies locaties waar de bodem het toelaat.',
      keuzeIds: [21],
    });
  }, 120_000);
  afterAll(() => t?.close());

  describe('access', () => {
    it.each(['/werkvoorraad', '/triage'])('shows %s to an anonymous visitor as the sign-in page', async (path) => {
      const res = await get(null, path).expect(401);
      expectPage(res.text);
      expect(res.text).toContain(`name="returnTo" value="${path}"`);
    });

    it('lets only experts open /werkvoorraad and only coordinators /triage (403 pages otherwise)', async () => {
      for (const who of [requester, coordinator]) expectPage((await get(who, '/werkvoorraad').expect(403)).text);
      for (const who of [requester, expert]) expectPage((await get(who, '/triage').expect(403)).text);
      expectPage((await get(expert, '/werkvoorraad').expect(200)).text);
      expectPage((await get(coordinator, '/triage').expect(200)).text);
    });

    it('refuses assigning and priority to anyone but coordinators, and every form without its CSRF token', async () => {
      const id = await ask('Toegang tot de coördinatorformulieren');
      await post(expert, `/vragen/${id}/toewijzen`, { expertId: expert.user.id }).expect(403);
      await post(expert, `/vragen/${id}/prioriteit`, { priority: 'urgent' }).expect(403);
      await post(requester, `/vragen/${id}/prioriteit`, { priority: 'urgent' }).expect(403);
      await t.http.post(`/vragen/${id}/accept`).set('Accept', BROWSER).set('Cookie', expert.cookie).type('form').send({}).expect(403);
      await t.http.post(`/vragen/${id}/prioriteit`).set('Accept', BROWSER).set('Cookie', coordinator.cookie).type('form').send({ priority: 'urgent' }).expect(403);
      expect(await status(id)).toBe('assigned');
    });
  });

  describe('/werkvoorraad', () => {
    it('lists a new assignment with its accept deadline, keuzes, organisation type, priority and clock in words; counts it in the navigation', async () => {
      const id = await ask(`Nieuwe vraag ${HOSTILE}`);
      const res = await get(expert, '/werkvoorraad').expect(200);
      expectPage(res.text);
      expect(res.text).toContain(`Nieuwe vraag ${ESCAPED}`);
      expect(res.text).toContain(`href="/vragen/${id}"`);
      expect(res.text).toContain('Accepteren vóór');
      expect(res.text).toContain('Gemeente');
      expect(res.text).toMatch(/Keuze 21: /);
      expect(res.text).toMatch(/Op tijd:<\/span> nog [\d,]+ werkdag/);
      expect(res.text).toMatch(/Werkvoorraad \(\d+\)/);
      // The other groups are there, empty or not.
      for (const heading of ['Nieuw: te accepteren', 'In behandeling', 'Wacht op de vraagsteller', 'Onlangs beantwoord']) expect(res.text).toContain(heading);
    });

    it('filters and sorts with a GET form; a value it does not offer is a 400 with the form kept', async () => {
      const filtered = await get(expert, '/werkvoorraad?groep=in-behandeling&prioriteit=spoed&keuze=21&sorteer=oudste').expect(200);
      expect(filtered.text).not.toContain('id="groep-nieuw"');
      expect(filtered.text).toContain('id="groep-in-behandeling"');
      expect(filtered.text).toMatch(/<option value="spoed" selected>/);
      const bad = await get(expert, `/werkvoorraad?groep=${encodeURIComponent(HOSTILE)}&sorteer=x`).expect(400);
      expectPage(bad.text);
      expect(bad.text).toContain('href="#groep"');
      expect(bad.text).toContain('href="#sorteer"');
    });
  });

  describe('the staff question page', () => {
    it('takes an expert from accepting through clarification to an answer with a previewed article link', async () => {
      const id = await ask('Bouwen in de polder');
      let page = (await get(expert, `/vragen/${id}`).expect(200)).text;
      expectPage(page);
      expect(page).toContain('Termijnen');
      const accepted = await post(expert, `/vragen/${id}/accept`, versionFields(page)).expect(303);
      expect(accepted.headers.location).toBe(`/vragen/${id}?gelukt=accept`);
      page = (await get(expert, `/vragen/${id}`).expect(200)).text;
      await post(expert, `/vragen/${id}/clarification-request`, { ...versionFields(page), message: 'Om welke polder gaat het?' }).expect(303);
      await post(requester, `/vragen/${id}/messages`, { body: 'De Zuidplaspolder.' }).expect(303);
      expect(await status(id)).toBe('in_progress');

      page = (await get(expert, `/vragen/${id}`).expect(200)).text;
      const fields = versionFields(page);
      // Voorbeeld: the page again with the rendered text, the text kept, nothing sent.
      const preview = await post(expert, `/vragen/${id}/answer`, { ...fields, body: `Kies **hoge** gronden. ${HOSTILE}`, stap: 'voorbeeld' }).expect(200);
      expectPage(preview.text);
      expect(preview.text).toContain('<strong>hoge</strong>');
      expect(preview.text).toContain(`Kies **hoge** gronden. ${ESCAPED}</textarea>`);
      // Searching an article and inserting its link keep the draft.
      const found = await post(expert, `/vragen/${id}/answer`, { ...fields, body: 'Kies hoge gronden.', artikelzoek: 'bodemdaling', stap: 'artikelen' }).expect(200);
      expect(found.text).toContain(`value="${articleId}"`);
      const inserted = await post(expert, `/vragen/${id}/answer`, { ...fields, body: 'Kies hoge gronden.', artikelzoek: 'bodemdaling', invoegen: articleId }).expect(200);
      expect(inserted.text).toContain(`Kies hoge gronden.\n\nZie ook: [Woningbouw bij bodemdaling](/kennisbank/${articleId})</textarea>`);
      expect(await status(id)).toBe('in_progress');
      // An empty answer: 400, the error summary linked to the field.
      const empty = await post(expert, `/vragen/${id}/answer`, { ...fields, body: '  ', stap: 'versturen' }).expect(400);
      expect(empty.text).toContain('href="#answer"');

      await post(expert, `/vragen/${id}/answer`, { ...fields, body: `Kies hoge gronden.\n\nZie ook: [Woningbouw](/kennisbank/${articleId})`, stap: 'versturen' }).expect(303);
      const q = (await t.http.get(`/api/v1/questions/${id}`).set(coordinator.api.auth).expect(200)).body;
      expect(q.status).toBe('answered');
      expect(q.timeline.find((e: { type: string }) => e.type === 'answered').details).toEqual({ articleIds: [articleId] });
    });

    it('offers earlier answers from the staff search, within what the expert may see', async () => {
      const id = await ask('Tweede vraag over de polder');
      let page = (await get(expert, `/vragen/${id}`).expect(200)).text;
      await post(expert, `/vragen/${id}/accept`, versionFields(page)).expect(303);
      page = (await get(expert, `/vragen/${id}`).expect(200)).text;
      const hits = await post(expert, `/vragen/${id}/answer`, { ...versionFields(page), body: '', eerderzoek: 'polder', stap: 'eerder' }).expect(200);
      expect(hits.text).toContain('Bouwen in de polder');
      const earlierId = /name="overnemen" value="([0-9a-f-]{36})"/.exec(hits.text)![1];
      const reused = await post(expert, `/vragen/${id}/answer`, { ...versionFields(page), body: '', eerderzoek: 'polder', overnemen: earlierId }).expect(200);
      expect(reused.text).toContain('Kies hoge gronden.');
      // Otto was never assigned those questions: his search finds none of them.
      const outsider = await post(otherExpert, `/vragen/${id}/answer`, { body: '', eerderzoek: 'polder', stap: 'eerder' }).expect(404);
      expect(outsider.text).not.toContain('Bouwen in de polder');
    });

    it('marks internal notes and never shows them to the requester', async () => {
      const id = await ask('Vraag met iets geheims');
      await post(expert, `/vragen/${id}/messages`, { body: `Geheim: bel de wethouder ${HOSTILE}`, internal: 'on' }).expect(303);
      const staffPage = (await get(expert, `/vragen/${id}`).expect(200)).text;
      expect(staffPage).toContain(`Geheim: bel de wethouder ${ESCAPED}`);
      expect(staffPage).toContain('interne notitie');
      const own = (await get(requester, `/vragen/${id}`).expect(200)).text;
      expectPage(own);
      expect(own).not.toContain('Geheim');
      expect(own).not.toContain('interne notitie');
      expect(own).not.toContain('name="version"');
      const api = (await t.http.get(`/api/v1/questions/${id}`).set(requester.api.auth).expect(200)).body;
      expect(JSON.stringify(api)).not.toContain('Geheim');
    });

    it('shows who else had the question open, not yourself and never to the requester', async () => {
      const id = await ask('Vraag die twee mensen openen');
      await get(coordinator, `/vragen/${id}`).expect(200);
      const seen = (await get(expert, `/vragen/${id}`).expect(200)).text;
      expect(seen).toMatch(/Cor Coördinator bekeek deze vraag (zojuist|1 minuut geleden)/);
      expect(seen).not.toContain('Eva &lt;script&gt;alert(1)&lt;/script&gt; bekeek');
      const own = (await get(requester, `/vragen/${id}`).expect(200)).text;
      expect(own).not.toContain('bekeek deze vraag');
    });

    it('answers a change on an old version with 409: what changed, and the text typed kept', async () => {
      const id = await ask('Vraag waar twee mensen tegelijk aan werken');
      const page = (await get(expert, `/vragen/${id}`).expect(200)).text;
      await post(expert, `/vragen/${id}/accept`, versionFields(page)).expect(303);
      const loaded = (await get(expert, `/vragen/${id}`).expect(200)).text;
      const coordinatorPage = (await get(coordinator, `/vragen/${id}`).expect(200)).text;
      await post(coordinator, `/vragen/${id}/prioriteit`, { ...versionFields(coordinatorPage), priority: 'urgent' }).expect(303);
      const conflict = await post(expert, `/vragen/${id}/answer`, { ...versionFields(loaded), body: `Mijn antwoord ${HOSTILE}`, stap: 'versturen' }).expect(409);
      expectPage(conflict.text);
      expect(conflict.text).toContain('Iemand anders was u voor');
      expect(conflict.text).toContain('Prioriteit gewijzigd');
      expect(conflict.text).toContain(`Mijn antwoord ${ESCAPED}</textarea>`);
      expect(await status(id)).toBe('in_progress');
      // The form now carries the new version: sending again goes through.
      await post(expert, `/vragen/${id}/answer`, { ...versionFields(conflict.text), body: 'Mijn antwoord', stap: 'versturen' }).expect(303);
      expect(await status(id)).toBe('answered');
    });

    it('lets the expert refer, with a 400 that keeps what was typed', async () => {
      const id = await ask('Vraag voor een ander loket');
      const page = (await get(expert, `/vragen/${id}`).expect(200)).text;
      const bad = await post(expert, `/vragen/${id}/refer`, { ...versionFields(page), to: `IPLO ${HOSTILE}`, reason: '' }).expect(400);
      expect(bad.text).toContain('href="#refer-reason"');
      expect(bad.text).toContain(`value="IPLO ${ESCAPED}"`);
      await post(expert, `/vragen/${id}/refer`, { ...versionFields(page), to: 'IPLO', reason: 'Gaat over de Omgevingswet.' }).expect(303);
      expect(await status(id)).toBe('referred');
    });
  });

  describe('/triage and assigning', () => {
    it('lists an unroutable question; the coordinator assigns it from the router’s candidates and sets its priority', async () => {
      const id = await ask(`Vraag zonder expert ${HOSTILE}`, [5]);
      expect(await status(id)).toBe('triage');
      const list = await get(coordinator, '/triage').expect(200);
      expectPage(list.text);
      expect(list.text).toContain(`Vraag zonder expert ${ESCAPED}`);
      expect(list.text).toContain('Geen passende expert gevonden');
      // The navigation counts what the list shows.
      const listed = Number(/<h2 id="lijst">(\d+) vra/.exec(list.text)![1]);
      expect(list.text).toContain(`Triage (${listed})`);
      expectPage((await get(coordinator, '/triage?reden=niet-te-routeren&sorteer=nieuwste').expect(200)).text);
      expect((await get(coordinator, '/triage?reden=onzin').expect(400)).text).toContain('href="#reden"');

      const page = (await get(coordinator, `/vragen/${id}`).expect(200)).text;
      expectPage(page);
      expect(page).toContain('Uitleg van de router');
      expect(page).toContain('Otto Overig');
      expect(page).toMatch(/0 van 1 keuze past · \d+ open (vraag|vragen)/);
      const missing = await post(coordinator, `/vragen/${id}/toewijzen`, { ...versionFields(page) }).expect(400);
      expect(missing.text).toContain('href="#expert"');
      const unknown = await post(coordinator, `/vragen/${id}/toewijzen`, { ...versionFields(page), expertId: randomUUID() }).expect(400);
      expectPage(unknown.text);
      await post(coordinator, `/vragen/${id}/toewijzen`, { ...versionFields(page), expertId: otherExpert.user.id }).expect(303);
      const after = (await get(coordinator, `/vragen/${id}`).expect(200)).text;
      const res = await post(coordinator, `/vragen/${id}/prioriteit`, { ...versionFields(after), priority: 'urgent' }).expect(303);
      expect(res.headers.location).toBe(`/vragen/${id}?gelukt=prioriteit`);
      const q = (await t.http.get(`/api/v1/questions/${id}`).set(coordinator.api.auth).expect(200)).body;
      expect(q).toMatchObject({ status: 'assigned', priority: 'urgent', assignee: { id: otherExpert.user.id } });
      const bad = await post(coordinator, `/vragen/${id}/prioriteit`, { ...versionFields(after), priority: 'hoog' }).expect(400);
      expect(bad.text).toContain('href="#priority-normal"');
      expect((await get(coordinator, '/triage?reden=niet-te-routeren').expect(200)).text).not.toContain(`href="/vragen/${id}"`);
    });

    it('lists replies by e-mail in triage with sender, subject, question and why; the original downloads with the session', async () => {
      const id = await ask('Vraag met een reactie van een ander');
      const { reference } = (await t.http.get(`/api/v1/questions/${id}`).set(coordinator.api.auth).expect(200)).body;
      const raw = `From: x@voorbeeld.nl\r\nSubject: Reactie ${HOSTILE}\r\n\r\nDit is mijn reactie.\r\n`;
      const mail = (overrides: Partial<InboundMessage>): InboundMessage => ({
        id: randomUUID(), messageKey: `<${randomUUID()}@voorbeeld.nl>`, source: 'smtp', envelopeFrom: null, envelopeTo: [], raw: Buffer.from(raw).toString('base64'), size: raw.length,
        status: 'triage', detail: null, triageReason: null, senderEmail: null, subject: null, questionId: null, userId: null, attempts: 1,
        receivedAt: new Date('2026-12-07T13:05:00Z'), claimedAt: null, processedAt: new Date('2026-12-07T13:05:01Z'), ...overrides,
      });
      const mismatch = mail({ senderEmail: `ander${HOSTILE}@voorbeeld.nl`, subject: `Re: vraag ${HOSTILE}`, questionId: id, triageReason: 'sender_mismatch', detail: `afzender ander@voorbeeld.nl is niet ${requester.user.email}, voor wie het antwoordadres is gemaakt` });
      const failed = mail({ receivedAt: new Date('2026-12-07T14:00:00Z'), senderEmail: 'jan@voorbeeld.nl', subject: null, questionId: randomUUID(), triageReason: 'not_posted', detail: 'niet geplaatst: de vraag is ingetrokken' });
      const posted = mail({ status: 'posted', senderEmail: 'geplaatst@voorbeeld.nl', subject: 'Geplaatst', questionId: id, detail: 'als bericht' });
      // One row per insert: TypeORM re-reads the default columns of a multi-row insert and merges them
      // back by position, not by id, which can swap the ids of the objects in hand.
      for (const row of [mismatch, failed, posted]) await t.app.get(Database).manager.insert(InboundMessage, row);

      const res = await get(coordinator, '/triage').expect(200);
      expectPage(res.text);
      const section = res.text.slice(res.text.indexOf('Reacties per e-mail die een coördinator nodig hebben'));
      expect(section).toContain(`ander${ESCAPED}@voorbeeld.nl`);
      expect(section).toContain(`Re: vraag ${ESCAPED}`);
      expect(section).toContain('afzender komt niet overeen met de ontvanger van de e-mail');
      expect(section).toContain('de reactie kon niet bij de vraag worden geplaatst');
      expect(section).toContain(`<a href="/vragen/${id}">${reference} Vraag met een reactie van een ander</a>`);
      expect(section).toContain('7 december 2026 om 14:05'); // 13:05 UTC in Amsterdam
      expect(section).not.toContain('geplaatst@voorbeeld.nl');
      // Newest first: the failed post (14:00 UTC) before the mismatch (13:05 UTC).
      expect(section.indexOf('jan@voorbeeld.nl')).toBeLessThan(section.indexOf('ander'));
      // The navigation counts the replies with the questions.
      const listed = Number(/<h2 id="lijst">(\d+) vra/.exec(res.text)![1]);
      expect(res.text).toContain(`Triage (${listed + 2})`);

      const link = `/api/v1/inbound-mail/messages/${mismatch.id}/original`;
      expect(section).toContain(`href="${link}"`);
      const original = await get(coordinator, link).buffer(true).parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      }).expect(200);
      expect(original.headers['content-type']).toBe('message/rfc822');
      expect(original.headers['content-disposition']).toBe(`attachment; filename="${mismatch.id}.eml"`);
      expect((original.body as Buffer).toString()).toBe(raw);
      for (const who of [requester, expert]) {
        await get(who, link).expect(403);
        await get(who, '/triage').expect(403);
      }
    });
  });
});
