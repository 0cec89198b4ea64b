import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock.js';
import { Database } from '../src/infra/database/database.service.js';
import { ArticleSuggestion, ArticleSuggestionOpen } from '../src/knowledge/knowledge.entities.js';
import { Question } from '../src/questions/question.entities.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { BrowserSession, TestUser, browserSession, signInAs } from './support/auth.js';
import { HOSTILE, count, expectPage } from './support/pages.js';
import { publishArticle } from './support/articles.js';

/** What Chrome and Firefox send when a person opens a page. */
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** A signed-in browser: its cookies and the CSRF token its forms carry. */


describe('requester desk pages (e2e)', () => {
  let t: TestApp;
  let requester: BrowserSession;
  let other: BrowserSession;
  let expert: TestUser;
  let expertSession: BrowserSession;
  let articleId: string;

  const get = (who: BrowserSession | null, path: string) => {
    const req = t.http.get(path).set('Accept', BROWSER);
    return who ? req.set('Cookie', who.cookie) : req;
  };
  const post = (who: BrowserSession, path: string, form: Record<string, string>) =>
    t.http.post(path).set('Accept', BROWSER).set('Cookie', who.cookie).type('form').send({ csrf: who.csrf, ...form });
  /** The final step of /vragen/nieuw as the browser sends it: multipart, the token in the query. */
  const submitForm = (who: BrowserSession, fields: Record<string, string | string[]>, files: { name: string; data: Buffer }[] = [], csrf: string | null = who.csrf) => {
    let req = t.http.post(csrf === null ? '/vragen/nieuw' : `/vragen/nieuw?csrf=${encodeURIComponent(csrf)}`).set('Accept', BROWSER).set('Cookie', who.cookie);
    for (const [name, value] of Object.entries(fields)) for (const v of ([] as string[]).concat(value)) req = req.field(name, v);
    for (const file of files) req = req.attach('bijlagen', file.data, file.name);
    return req;
  };
  async function ask(who: BrowserSession, title: string, keuzeIds = ['21']): Promise<string> {
    const res = await submitForm(who, { title, body: 'Hoe gaan wij om met bodemdaling in de polder?', keuzeIds }).expect(303);
    const id = /^\/vragen\/([0-9a-f-]{36})\/ingediend$/.exec(res.headers.location)![1];
    await t.drain();
    return id;
  }
  const api = (user: TestUser, path: string, body: object = {}) => t.http.post(`/api/v1/questions/${path}`).set(user.auth).send(body);

  beforeAll(async () => {
    t = await startTestApp();
    const author = await signInAs(t, { roles: ['expert'] });
    const secretariat = await signInAs(t, { roles: ['secretariat'] });
    articleId = await publishArticle(t, author, secretariat, {
      title: 'Woningbouw bij bodemdaling',
      question: 'Mogen wij bouwen in een polder met bodemdaling?',
      answer: 'Kies locaties waar de bodem het toelaat.',
      keuzeIds: [21],
    });
    expert = await signInAs(t, { roles: ['expert'], keuzeIds: [21, 22], capacity: 50, displayName: `Expert ${HOSTILE}` });
    expertSession = await browserSession(t, expert);
    requester = await browserSession(t, await signInAs(t, { roles: ['requester'], displayName: `Vrager ${HOSTILE}` }));
    other = await browserSession(t, await signInAs(t, { roles: ['requester'] }));
  }, 120_000);
  afterAll(() => t?.close());

  describe('access', () => {
    it.each(['/vragen', '/vragen/nieuw?q=bodemdaling%20polder', `/vragen/${randomUUID()}`])('shows %s to an anonymous visitor as the sign-in page that returns there', async (path) => {
      const res = await get(null, path).expect(401);
      expectPage(res.text);
      expect(res.text).toContain('Log in om verder te gaan');
      expect(res.text).toContain(`name="returnTo" value="${path}"`);
    });

    it('keeps another requester out of a question (404, as if it did not exist)', async () => {
      const id = await ask(requester, 'Alleen voor mij');
      const res = await get(other, `/vragen/${id}`).expect(404);
      expect(res.text).not.toContain('Alleen voor mij');
      await get(other, `/vragen/${id}/ingediend`).expect(404);
      expect((await get(other, '/vragen').expect(200)).text).not.toContain('Alleen voor mij');
    });

    it('requires the CSRF token on every form post, the multipart ones included', async () => {
      await t.http.post('/vragen/nieuw/vervolg').set('Cookie', requester.cookie).type('form').send({ title: 'x', body: 'y' }).expect(403);
      await submitForm(requester, { title: 'Zonder token', body: 'Vraag', keuzeIds: '21' }, [], null).expect(403);
      await submitForm(requester, { title: 'Vals token', body: 'Vraag', keuzeIds: '21' }, [], 'vals').expect(403);
      const id = await ask(requester, 'Token bij acties');
      await t.http.post(`/vragen/${id}/messages`).set('Cookie', requester.cookie).type('form').send({ body: 'Hallo' }).expect(403);
      await t.http.post(`/vragen/${id}/bijlagen`).set('Cookie', requester.cookie).attach('file', PDF, 'plan.pdf').expect(403);
      // The query token counts only for multipart: a plain form cannot move it out of the body.
      await t.http.post(`/vragen/${id}/messages?csrf=${encodeURIComponent(requester.csrf)}`).set('Cookie', requester.cookie).type('form').send({ body: 'Hallo' }).expect(403);
      expect(await t.app.get(Database).manager.countBy(Question, { title: 'Zonder token' })).toBe(0);
    });
  });

  describe('/vragen/nieuw', () => {
    it('step 1 asks for the title and the question; ?q= fills in the words; scripts only as same-origin modules', async () => {
      const res = await get(requester, '/vragen/nieuw?q=bodemdaling%20polder').expect(200);
      expectPage(res.text);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toContain('action="/vragen/nieuw/vervolg"');
      expect(res.text).toMatch(/<input class="utrecht-textbox[^"]*" id="title" name="title" type="text" value="bodemdaling polder"/);
      expect(res.text).toContain('<label class="utrecht-form-label" for="body">Uw vraag</label>');
      expect(res.text).toContain(`name="csrf" value="${requester.csrf}"`);
      const src = /<script type="module" src="(\/assets\/question-suggestions\.[\w-]+\.js)" defer><\/script>/.exec(res.text)![1];
      expect(res.text).toMatch(/<script type="module" src="\/assets\/keuze-filter\.[\w-]+\.js" defer><\/script>/);
      expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)/);
      expect(res.text).not.toMatch(/\son[a-z]+=/);
      const script = await t.http.get(src).expect(200);
      expect(script.headers['content-type']).toMatch(/javascript/);
    });

    it('is for requesters: staff get 403', async () => {
      await get(expertSession, '/vragen/nieuw').expect(403);
    });

    it('step 1 refuses an empty title and question with a linked error summary (400), keeping what was typed', async () => {
      const res = await post(requester, '/vragen/nieuw/vervolg', { title: '  ', body: `Mijn vraag ${HOSTILE}` }).expect(400);
      expectPage(res.text);
      expect(res.text).toContain('Er is een probleem');
      expect(res.text).toContain('<a href="#title">Titel: mag niet leeg zijn</a>');
      expect(res.text).toContain('aria-invalid="true"');
      expect(res.text).toContain(`Mijn vraag &lt;script&gt;alert(1)&lt;/script&gt;</textarea>`);
      expect(res.text).not.toContain(HOSTILE);
    });

    it('step 2 shows the similar articles (opening one is counted) and the rest of the form', async () => {
      const res = await post(requester, '/vragen/nieuw/vervolg', { title: 'Bouwen bij bodemdaling', body: 'Mogen wij woningen bouwen in een polder met bodemdaling?' }).expect(200);
      expectPage(res.text);
      const suggestionId = /name="suggestionId" value="([0-9a-f-]{36})"/.exec(res.text)![1];
      expect(res.text).toContain(`href="/kennisbank/${articleId}?suggestie=${suggestionId}"`);
      expect(res.text).toContain('Woningbouw bij bodemdaling');
      expect(res.text).toMatch(/action="\/vragen\/nieuw\?csrf=[^"]+" enctype="multipart\/form-data"/);
      expect(res.text).toMatch(/<legend class="utrecht-form-fieldset__legend">Thema \d+: /);
      expect(count(res.text, /name="keuzeIds" value="\d+"/)).toBe(33);
      expect(res.text).toContain('(GM0363)');
      expect(res.text).toContain('value="Bouwen bij bodemdaling"');
      expect(res.text).toContain('type="file" id="bijlagen" name="bijlagen" multiple');

      const m = t.app.get(Database).manager;
      await get(requester, `/kennisbank/${articleId}?suggestie=${suggestionId}`).expect(200);
      expect(await m.countBy(ArticleSuggestionOpen, { suggestionId })).toBe(1);
      // Submitting after the suggestions is what the deflection statistics count as not deflected.
      const done = await submitForm(requester, { title: 'Bouwen bij bodemdaling', body: 'Mogen wij bouwen?', keuzeIds: '21', suggestionId }).expect(303);
      expect(done.headers.location).toMatch(/^\/vragen\/[0-9a-f-]{36}\/ingediend$/);
      expect((await m.findOneByOrFail(ArticleSuggestion, { id: suggestionId })).submittedAt).not.toBeNull();
    });

    it('refuses a form without keuzes or with a bad date (400): each error linked to its field, values kept', async () => {
      const res = await submitForm(requester, { title: `Titel ${HOSTILE}`, body: 'Vraag', desiredAnswerDate: '2027-02-30', context: 'De Mars' }).expect(400);
      expectPage(res.text);
      expect(res.text).toContain('<a href="#keuzes">Keuzes: kies één tot vijf keuzes</a>');
      expect(res.text).toContain('<a href="#desiredAnswerDate">Gewenste datum: moet een bestaande datum zijn (JJJJ-MM-DD)</a>');
      expect(res.text).toContain('value="Titel &lt;script&gt;alert(1)&lt;/script&gt;"');
      expect(res.text).toContain('value="De Mars"');
      expect(res.text).toContain('Kies uw bijlagen opnieuw');
      // The suggestions were not looked up again: the page claims nothing about them.
      expect(res.text).not.toContain('De kennisbank heeft geen artikelen');
      const tooMany = await submitForm(requester, { title: 'Veel', body: 'Vraag', keuzeIds: ['1', '2', '3', '4', '5', '6'] }).expect(400);
      expect(tooMany.text).toContain('<a href="#keuzes">');
      expect(tooMany.text).toMatch(/id="keuze-6" name="keuzeIds" value="6" checked/);
      expect(await t.app.get(Database).manager.countBy(Question, { title: 'Veel' })).toBe(0);
    });

    it('checks every attachment before the question exists: a refused file leaves no question', async () => {
      const res = await submitForm(requester, { title: 'Met een vals bestand', body: 'Vraag', keuzeIds: '21' }, [{ name: 'plan.pdf', data: PDF }, { name: 'x.pdf', data: Buffer.from(HOSTILE) }]).expect(400);
      expect(res.text).toContain('<a href="#bijlagen">Bijlagen: x.pdf is geweigerd. Alleen PDF');
      expect(await t.app.get(Database).manager.countBy(Question, { title: 'Met een vals bestand' })).toBe(0);
    });

    it('refuses more files than a question may have as a choice to correct (400), not as a request too large', async () => {
      const six = Array.from({ length: 6 }, (_, i) => ({ name: `plan-${i}.pdf`, data: PDF }));
      const res = await submitForm(requester, { title: 'Zes bestanden', body: 'Vraag', keuzeIds: '21' }, six).expect(400);
      expect(res.text).toContain('<a href="#bijlagen">Bijlagen: kies hoogstens 5 bestanden</a>');
      expect(res.text).toContain('value="Zes bestanden"');
      expect(res.text).toMatch(/id="keuze-21" name="keuzeIds" value="21" checked/);
      expect(await t.app.get(Database).manager.countBy(Question, { title: 'Zes bestanden' })).toBe(0);
    });

    it('submits with attachments and shows the reference and what happens next', async () => {
      const res = await submitForm(requester, { title: 'Met bijlage', body: 'Zie de tekening.', keuzeIds: ['21', '22'], desiredAnswerDate: '2027-01-15', context: 'Zutphen' }, [{ name: 'tekening.pdf', data: PDF }]).expect(303);
      const receipt = await get(requester, res.headers.location).expect(200);
      expectPage(receipt.text);
      expect(receipt.text).toMatch(/Uw referentie is <strong class="reference">WBS-\d{4}-\d{5}<\/strong>/);
      expect(receipt.text).toMatch(/Binnen \d+ werkdag/);
      const id = res.headers.location.split('/')[2];
      const q = (await t.http.get(`/api/v1/questions/${id}`).set('Cookie', requester.cookie).expect(200)).body;
      expect(q).toMatchObject({ title: 'Met bijlage', keuzeIds: [21, 22], desiredAnswerDate: '2027-01-15', context: 'Zutphen', organisationCode: 'GM0363' });
      expect(q.attachments.map((a: { filename: string }) => a.filename)).toEqual(['tekening.pdf']);
    });
  });

  describe('/vragen', () => {
    it('shows an empty state with a link to ask a question', async () => {
      const fresh = await browserSession(t, await signInAs(t, { roles: ['requester'] }));
      const res = await get(fresh, '/vragen').expect(200);
      expectPage(res.text);
      expect(res.text).toContain('U hebt nog geen vragen gesteld.');
      expect(res.text).toContain('<a href="/vragen/nieuw">Stel uw eerste vraag aan de taskforce</a>');
    });

    it('lists my questions with reference, status in Dutch, Dutch dates and what is expected of me; titles escaped', async () => {
      const id = await ask(requester, `Lijst ${HOSTILE}`);
      await api(expert, `${id}/accept`).expect(200);
      await api(expert, `${id}/clarification-request`, { message: 'Welke polder?' }).expect(200);
      const res = await get(requester, '/vragen').expect(200);
      expectPage(res.text);
      expect(res.text).toContain(`<a href="/vragen/${id}">Lijst &lt;script&gt;alert(1)&lt;/script&gt;</a>`);
      expect(res.text).not.toContain(HOSTILE);
      expect(res.text).toContain('Wacht op uw reactie');
      expect(res.text).toContain('Beantwoord de vraag van de expert');
      expect(res.text).toMatch(/Ingediend op \d{1,2} [a-z]+ \d{4}/);
    });

    it('shows staff the questions assigned to them, without the link to ask one', async () => {
      const id = await ask(requester, 'Voor de lijst van de expert');
      const res = await get(expertSession, '/vragen').expect(200);
      expect(res.text).toContain(`href="/vragen/${id}"`);
      expect(res.text).not.toContain('Stel een nieuwe vraag');
      expect(res.text).not.toContain('Actie voor u');
    });

    it('pages through many questions', async () => {
      const many = await browserSession(t, await signInAs(t, { roles: ['requester'] }));
      for (let i = 1; i <= 21; i++) await submitForm(many, { title: `Vraag nummer ${i}`, body: 'Vraag', keuzeIds: '3' }).expect(303);
      const first = await get(many, '/vragen').expect(200);
      expect(first.text).toContain('21 vragen · pagina 1 van 2');
      expect(first.text).toContain('href="/vragen?pagina=2" rel="next"');
      const second = await get(many, '/vragen?pagina=2').expect(200);
      expect(second.text).toContain('>Vraag nummer 1</a>');
      expect(second.text).toContain('href="/vragen" rel="prev"');
      const bad = await get(many, '/vragen?pagina=nul').expect(400);
      expect(bad.text).toContain('pagina');
    });
  });

  describe('/vragen/{id}', () => {
    it('an answer round: rendered Markdown, confirm with consent and rate, each with a confirmation', async () => {
      const id = await ask(requester, 'Antwoordronde');
      await api(expert, `${id}/accept`).expect(200);
      await api(expert, `${id}/messages`, { body: 'Interne afweging', internal: true }).expect(200);
      await api(expert, `${id}/answer`, { body: 'Dit is **vet**.\n\n<script>alert(2)</script>' }).expect(200);
      const page = await get(requester, `/vragen/${id}`).expect(200);
      expectPage(page.text);
      expect(page.text).toContain('<p>Dit is <strong>vet</strong>.</p>');
      expect(page.text).toMatch(/<li>Keuze 21: [^<]+<\/li>/);
      expect(page.text).not.toMatch(/<script(?![^>]*\ssrc=)/);
      expect(page.text).not.toContain('Interne afweging');
      expect(page.text).toContain('Expert &lt;script&gt;');
      expect(page.text).toContain('id="bevestigen"');
      expect(page.text).toContain('id="heropenen"');
      expect(count(page.text, /type="radio" id="score-\d" name="score"/)).toBe(5);

      const noScore = await post(requester, `/vragen/${id}/rating`, { comment: 'Mijn toelichting' }).expect(400);
      expect(noScore.text).toContain('<a href="#score-5">Cijfer: kies een cijfer van 1 tot en met 5</a>');
      expect(noScore.text).toContain('Mijn toelichting</textarea>');
      const rated = await post(requester, `/vragen/${id}/rating`, { score: '4', comment: 'Helder' }).expect(303);
      expect(rated.headers.location).toBe(`/vragen/${id}?gelukt=rating`);
      expect((await get(requester, rated.headers.location).expect(200)).text).toContain('Bedankt voor uw beoordeling.');
      const confirmed = await post(requester, `/vragen/${id}/confirm`, { consent: 'on' }).expect(303);
      const after = await get(requester, confirmed.headers.location).expect(200);
      expect(after.text).toContain('u hebt bevestigd dat uw vraag is beantwoord');
      expect(after.text).toContain('Afgesloten');
      expect(after.text).not.toContain('id="bevestigen"');
      // Refused by the service: the page again with the reason and the service's status.
      const again = await post(requester, `/vragen/${id}/confirm`, {}).expect(409);
      expect(again.text).toContain('Er is een probleem');
      // Staff see the internal note, marked as such.
      expect((await get(expertSession, `/vragen/${id}`).expect(200)).text).toContain('(interne notitie)');
    });

    it('a clarification round: the requester replies on the page and the question is back in progress', async () => {
      const id = await ask(requester, 'Verduidelijkingsronde');
      await api(expert, `${id}/accept`).expect(200);
      await api(expert, `${id}/clarification-request`, { message: 'Over welke polder gaat het?' }).expect(200);
      const page = await get(requester, `/vragen/${id}`).expect(200);
      expect(page.text).toContain('De expert heeft een vraag voor u');
      expect(page.text).toContain('<blockquote class="clarification pre-wrap">Over welke polder gaat het?</blockquote>');
      const empty = await post(requester, `/vragen/${id}/messages`, { body: ' ' }).expect(400);
      expect(empty.text).toContain('<a href="#body">Bericht: vul dit veld in</a>');
      const sent = await post(requester, `/vragen/${id}/messages`, { body: `De Zuidpolder ${HOSTILE}` }).expect(303);
      const after = await get(requester, sent.headers.location).expect(200);
      expect(after.text).toContain('Uw reactie is verstuurd.');
      expect(after.text).toContain('De Zuidpolder &lt;script&gt;');
      expect((await t.http.get(`/api/v1/questions/${id}`).set(expert.auth).expect(200)).body.status).toBe('in_progress');
    });

    it('keeps the staff actions: accept, clarify, answer and internal notes through the page', async () => {
      const id = await ask(requester, 'Voor de expert');
      const page = await get(expertSession, `/vragen/${id}`).expect(200);
      expect(page.text).toContain(`action="/vragen/${id}/accept"`);
      expect(page.text).toContain(`action="/vragen/${id}/decline"`);
      await post(expertSession, `/vragen/${id}/accept`, {}).expect(303);
      const working = await get(expertSession, `/vragen/${id}?gelukt=accept`).expect(200);
      expect(working.text).toContain('U hebt de vraag in behandeling genomen.');
      expect(working.text).toContain('Interne notitie (alleen zichtbaar voor de taskforce)');
      await post(expertSession, `/vragen/${id}/messages`, { body: 'Alleen voor ons', internal: 'on' }).expect(303);
      const tooLong = await post(expertSession, `/vragen/${id}/answer`, { body: 'x'.repeat(20001) }).expect(400);
      expect(tooLong.text).toContain('<a href="#answer">Antwoord: mag hoogstens 20000 tekens lang zijn</a>');
      await post(expertSession, `/vragen/${id}/answer`, { body: 'Het antwoord.' }).expect(303);
      const requesterView = await get(requester, `/vragen/${id}`).expect(200);
      expect(requesterView.text).toContain('Het antwoord.');
      expect(requesterView.text).not.toContain('Alleen voor ons');
    });

    it('adds an attachment through a multipart form and downloads it with the cookie session', async () => {
      const id = await ask(requester, 'Bijlage erbij');
      const refused = await t.http.post(`/vragen/${id}/bijlagen?csrf=${encodeURIComponent(requester.csrf)}`).set('Accept', BROWSER).set('Cookie', requester.cookie).attach('file', Buffer.from('tekst'), 'x.pdf').expect(415);
      expect(refused.text).toContain('Alleen PDF, afbeeldingen en kantoordocumenten');
      const added = await t.http.post(`/vragen/${id}/bijlagen?csrf=${encodeURIComponent(requester.csrf)}`).set('Accept', BROWSER).set('Cookie', requester.cookie).attach('file', PDF, 'plan.pdf').expect(303);
      const page = await get(requester, added.headers.location).expect(200);
      expect(page.text).toContain('De bijlage is toegevoegd.');
      const href = /<a href="(\/api\/v1\/questions\/[^"]+)" download>plan\.pdf<\/a>/.exec(page.text)![1];
      const download = await t.http.get(href).set('Cookie', requester.cookie).expect(200);
      expect(download.headers['content-disposition']).toMatch(/^attachment;/);
      await t.http.get(href).set('Cookie', other.cookie).expect(404);
    });

    it('withdraws only after the confirmation box is ticked', async () => {
      const id = await ask(requester, 'Intrekken');
      const page = await get(requester, `/vragen/${id}`).expect(200);
      expect(page.text).toContain(`action="/vragen/${id}/withdraw"`);
      const unconfirmed = await post(requester, `/vragen/${id}/withdraw`, {}).expect(400);
      expect(unconfirmed.text).toContain('<a href="#withdraw">Bevestiging: vink aan dat u de vraag wilt intrekken</a>');
      await post(requester, `/vragen/${id}/withdraw`, { confirm: 'on' }).expect(303);
      const after = await get(requester, `/vragen/${id}?gelukt=withdraw`).expect(200);
      expect(after.text).toContain('Uw vraag is ingetrokken.');
      expect(after.text).not.toContain(`action="/vragen/${id}/withdraw"`);
      expect(after.text).not.toContain(`action="/vragen/${id}/messages"`);
    });

    it('offers reopening only within 30 days of the answer, as the service decides', async () => {
      const id = await ask(requester, 'Heropenen');
      await api(expert, `${id}/accept`).expect(200);
      await api(expert, `${id}/answer`, { body: 'Antwoord.' }).expect(200);
      await post(requester, `/vragen/${id}/confirm`, {}).expect(303);
      const empty = await post(requester, `/vragen/${id}/reopen`, { reason: '' }).expect(400);
      expect(empty.text).toContain('<a href="#reopen">Toelichting: vul dit veld in</a>');
      expect((await get(requester, `/vragen/${id}`).expect(200)).text).toContain('id="heropenen"');
      const clock = t.app.get(Clock);
      const realNow = clock.now;
      t.at(new Date(Date.now() + 31 * 24 * 3_600_000).toISOString());
      try {
        // A fresh session: the old one has expired by then.
        const later = await browserSession(t, { user: requester.user, auth: { Authorization: '' } });
        expect((await get(later, `/vragen/${id}`).expect(200)).text).not.toContain('id="heropenen"');
        await post(later, `/vragen/${id}/reopen`, { reason: 'Toch niet' }).expect(409);
      } finally {
        clock.now = realNow;
      }
    });

    it('answers an unknown action with 404', async () => {
      const id = await ask(requester, 'Onbekende actie');
      await post(requester, `/vragen/${id}/bestaat-niet`, {}).expect(404);
    });
  });
});
