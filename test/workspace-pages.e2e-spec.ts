import { randomUUID } from 'node:crypto';
import { ApiToken } from '../src/accounts/auth.entities.js';
import { currentTotp } from '../src/accounts/totp.js';
import { Absence, User } from '../src/accounts/user.entity.js';
import { Clock, amsterdamDay, shiftDay } from '../src/common/clock.js';
import { Database } from '../src/infra/database/database.service.js';
import { Article } from '../src/knowledge/knowledge.entities.js';
import { TestApp, startTestApp } from './support/test-app.js';
import { BrowserSession, TestUser, browserSession, signInAs } from './support/auth.js';
import { ESCAPED, HOSTILE, count, expectPage, pageGet, pagePost } from './support/pages.js';
import { publishArticle } from './support/articles.js';

/** What Chrome and Firefox send when a person opens a page. */
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';



describe('workspace pages: /profiel and /artikelen (e2e)', () => {
  let t: TestApp;
  let expert: BrowserSession;
  let coordinator: BrowserSession;
  let secretariat: BrowserSession;
  let requester: BrowserSession;
  let publishedId: string;

  const get = (who: BrowserSession | null, path: string) => pageGet(t, who, path);
  const post = (who: BrowserSession, path: string, form: Record<string, string | string[]>) => pagePost(t, who, path, form);
  const today = () => amsterdamDay(t.app.get(Clock).now());

  beforeAll(async () => {
    t = await startTestApp();
    expert = await browserSession(t, await signInAs(t, { roles: ['expert'], keuzeIds: [21, 22], capacity: 50, displayName: `Eva ${HOSTILE}` }));
    coordinator = await browserSession(t, await signInAs(t, { roles: ['coordinator'] }));
    secretariat = await browserSession(t, await signInAs(t, { roles: ['secretariat'] }));
    requester = await browserSession(t, await signInAs(t, { roles: ['requester'], displayName: 'Jan de Vries' }));
    publishedId = await publishArticle(t, expert.api, secretariat.api, {
      title: 'Woningbouw bij bodemdaling',
      question: 'Mogen wij bouwen in een polder met bodemdaling?',
      answer: 'Kies locaties waar de bodem het toelaat.',
      keuzeIds: [21],
    });
  }, 120_000);
  afterAll(() => t?.close());

  describe('access', () => {
    it.each(['/profiel', '/artikelen', `/artikelen/${randomUUID()}`, `/artikelen/${randomUUID()}/bewerken`])('shows %s to an anonymous visitor as the sign-in page', async (path) => {
      const res = await get(null, path).expect(401);
      expectPage(res.text);
      expect(res.text).toContain(`name="returnTo" value="${path}"`);
    });

    it('keeps requesters out of the articles (403 page) and out of the staff-only profile forms', async () => {
      expectPage((await get(requester, '/artikelen').expect(403)).text);
      await get(requester, `/artikelen/${publishedId}`).expect(403);
      await post(requester, '/artikelen/uit-vraag', { questionId: randomUUID() }).expect(403);
      await post(requester, `/artikelen/${publishedId}/indienen`, {}).expect(403);
      await post(requester, '/profiel/afwezigheden', { startsOn: today(), endsOn: today() }).expect(403);
      await post(requester, '/profiel/mail', { mailPreference: 'daily' }).expect(403);
      await post(coordinator, '/profiel/afwezigheden', { startsOn: today(), endsOn: today() }).expect(403);
    });

    it('gives a requester the parts of the profile that apply: second factor and tokens, no absences or digest', async () => {
      const res = await get(requester, '/profiel').expect(200);
      expectPage(res.text);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toContain('Tweede factor');
      expect(res.text).toContain('Persoonlijke API-tokens');
      expect(res.text).not.toContain('action="/profiel/afwezigheden"');
      expect(res.text).not.toContain('action="/profiel/mail"');
      // The navigation: Profiel for everyone, Artikelen for staff only.
      expect(res.text).toContain('<a href="/profiel" aria-current="page">Profiel</a>');
      expect(res.text).not.toContain('href="/artikelen"');
      expect((await get(expert, '/profiel').expect(200)).text).toContain('<a href="/artikelen">Artikelen</a>');
    });

    it('requires the CSRF token on every form', async () => {
      const paths = ['/profiel/afwezigheden', '/profiel/mail', '/profiel/tweede-factor', '/profiel/tokens', '/artikelen/uit-vraag', `/artikelen/${publishedId}/bewerken`, `/artikelen/${publishedId}/indienen`];
      for (const path of paths) {
        await t.http.post(path).set('Accept', BROWSER).set('Cookie', expert.cookie).type('form').send({ name: 'x', startsOn: today(), endsOn: today() }).expect(403);
      }
      await t.http.post('/profiel/tokens').set('Accept', BROWSER).set('Cookie', expert.cookie).type('form').send({ csrf: 'vals', name: 'x' }).expect(403);
      expect(await t.app.get(Database).manager.countBy(ApiToken, { userId: expert.user.id, name: 'x' })).toBe(0);
    });
  });

  describe('/profiel', () => {
    it('adds an absence (Dutch dates, confirmation after the redirect) and removes it', async () => {
      const start = shiftDay(today(), 10);
      const added = await post(expert, '/profiel/afwezigheden', { startsOn: start, endsOn: shiftDay(start, 4), note: `Vakantie ${HOSTILE}` }).expect(303);
      expect(added.headers.location).toBe('/profiel?gelukt=afwezigheid#afwezigheid');
      const page = await get(expert, '/profiel?gelukt=afwezigheid').expect(200);
      expectPage(page.text);
      expect(page.text).toContain('Uw afwezigheid is opgeslagen.');
      expect(page.text).toMatch(/<strong>\d{1,2} [a-z]+ \d{4} tot en met \d{1,2} [a-z]+ \d{4}<\/strong>/);
      expect(page.text).toContain(`Vakantie ${ESCAPED}`);
      const [absence] = await t.app.get(Database).manager.findBy(Absence, { userId: expert.user.id });
      expect(page.text).toContain(`action="/profiel/afwezigheden/${absence.id}/verwijderen"`);
      const removed = await post(expert, `/profiel/afwezigheden/${absence.id}/verwijderen`, {}).expect(303);
      expect(removed.headers.location).toBe('/profiel?gelukt=afwezigheid-verwijderd#afwezigheid');
      expect(await t.app.get(Database).manager.countBy(Absence, { userId: expert.user.id })).toBe(0);
      // Someone else's absence, or one gone already: the 404 page.
      await post(expert, `/profiel/afwezigheden/${absence.id}/verwijderen`, {}).expect(404);
    });

    it('refuses a wrong absence with a linked error summary (400), keeping what was typed', async () => {
      const start = shiftDay(today(), 3);
      const backwards = await post(expert, '/profiel/afwezigheden', { startsOn: start, endsOn: shiftDay(start, -1), note: `Notitie ${HOSTILE}` }).expect(400);
      expectPage(backwards.text);
      expect(backwards.text).toContain('Er is een probleem');
      expect(backwards.text).toContain('<a href="#endsOn">Laatste dag: mag niet voor de eerste dag liggen</a>');
      expect(backwards.text).toContain(`value="${start}"`);
      expect(backwards.text).toContain(`value="Notitie ${ESCAPED}"`);
      const empty = await post(expert, '/profiel/afwezigheden', { startsOn: '', endsOn: '' }).expect(400);
      expect(empty.text).toContain('<a href="#startsOn">Eerste dag: vul dit veld in</a>');
      const invalid = await post(expert, '/profiel/afwezigheden', { startsOn: '2026-02-30', endsOn: '2026-03-01' }).expect(400);
      expect(invalid.text).toContain('<a href="#startsOn">Eerste dag: moet een bestaande datum zijn (JJJJ-MM-DD)</a>');
      const past = await post(expert, '/profiel/afwezigheden', { startsOn: '2020-01-01', endsOn: '2020-01-02' }).expect(400);
      expect(past.text).toContain('<a href="#endsOn">Laatste dag: ligt in het verleden</a>');
    });

    it('switches the mail preference, and refuses a value that is not offered', async () => {
      await post(expert, '/profiel/mail', { mailPreference: 'daily' }).expect(303);
      expect((await t.app.get(Database).manager.findOneByOrFail(User, { id: expert.user.id })).mailPreference).toBe('daily');
      const page = await get(expert, '/profiel?gelukt=mail').expect(200);
      expect(page.text).toContain('Uw e-mailvoorkeur is opgeslagen.');
      expect(page.text).toMatch(/id="mailPreference-daily" name="mailPreference" value="daily" checked/);
      const bad = await post(expert, '/profiel/mail', { mailPreference: 'weekly' }).expect(400);
      expect(bad.text).toContain('<a href="#mailPreference-immediate">E-mail: kies per bericht of één dagelijks overzicht</a>');
      await post(coordinator, '/profiel/mail', { mailPreference: 'daily' }).expect(303);
    });

    it('sets up the second factor: key as text and QR code, a wrong code refused, the right one gives recovery codes once', async () => {
      const user = await signInAs(t, { roles: ['expert'] });
      const who = await browserSession(t, user);
      const start = await post(who, '/profiel/tweede-factor', {}).expect(200);
      expectPage(start.text);
      expect(start.headers['cache-control']).toBe('no-store');
      const secret = /data-totp-secret>([A-Z2-7]+)</.exec(start.text)![1];
      expect(start.text).toContain('src="data:image/png;base64,');
      const wrong = await post(who, '/profiel/tweede-factor/bevestigen', { code: '12345' }).expect(400);
      expect(wrong.text).toContain('<a href="#code">Code uit de app: moet uit 6 cijfers bestaan</a>');
      expect(wrong.text).toContain('value="12345"');
      expect(wrong.text).not.toContain(secret);
      const code = currentTotp(secret, t.app.get(Clock).now());
      const done = await post(who, '/profiel/tweede-factor/bevestigen', { code }).expect(200);
      expectPage(done.text);
      expect(count(done.text, /<li><code>[0-9a-f]{10}<\/code><\/li>/)).toBe(10);
      expect(done.text).toContain('href="/profiel#tweede-factor"');
      const profile = await get(who, '/profiel').expect(200);
      expect(profile.text).toContain('ingesteld</span>');
      expect(profile.text).not.toContain('action="/profiel/tweede-factor"');
      // Once set up, starting again is a conflict shown on the profile.
      const again = await post(who, '/profiel/tweede-factor', {}).expect(409);
      expect(again.text).toContain('Er is al een tweede factor ingesteld.');
    });

    it('creates a token shown once, lists it without the secret, and revokes it', async () => {
      const expiresOn = shiftDay(today(), 30);
      const created = await post(expert, '/profiel/tokens', { name: `Koppeling ${HOSTILE}`, expiresOn }).expect(200);
      expectPage(created.text);
      expect(created.headers['cache-control']).toBe('no-store');
      const token = /data-api-token>(vbp_[^<]+)</.exec(created.text)![1];
      expect(created.text).toContain(`Koppeling ${ESCAPED}`);
      // The token works on the API, valid through the chosen day.
      await t.http.get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
      const [row] = await t.app.get(Database).manager.findBy(ApiToken, { userId: expert.user.id });
      expect(amsterdamDay(new Date(row.expiresAt!.getTime() - 1))).toBe(expiresOn);
      const profile = await get(expert, '/profiel').expect(200);
      expect(profile.text).not.toContain(token);
      expect(profile.text).toContain(`<code>${token.slice(0, 8)}…</code>`);
      expect(profile.text).toContain('actief</span>');
      const revoked = await post(expert, `/profiel/tokens/${row.id}/intrekken`, {}).expect(303);
      expect(revoked.headers.location).toBe('/profiel?gelukt=token-ingetrokken#tokens');
      await t.http.get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
      expect((await get(expert, '/profiel').expect(200)).text).toMatch(/ingetrokken op \d{1,2} [a-z]+ \d{4}/);
      // Another person's token: 404.
      await post(coordinator, `/profiel/tokens/${row.id}/intrekken`, {}).expect(404);
    });

    it('refuses a token without a name or with a past day (400), keeping what was typed', async () => {
      const noName = await post(expert, '/profiel/tokens', { name: ' ', expiresOn: '2031-01-01' }).expect(400);
      expect(noName.text).toContain('<a href="#tokenName">Naam van het token: vul dit veld in</a>');
      expect(noName.text).toContain('value="2031-01-01"');
      const past = await post(expert, '/profiel/tokens', { name: `Oud ${HOSTILE}`, expiresOn: '2020-01-01' }).expect(400);
      expectPage(past.text);
      expect(past.text).toContain('<a href="#expiresOn">Geldig tot en met: moet in de toekomst liggen</a>');
      expect(past.text).toContain(`value="Oud ${ESCAPED}"`);
      const invalid = await post(expert, '/profiel/tokens', { name: 'Ongeldig', expiresOn: 'morgen' }).expect(400);
      expect(invalid.text).toContain('<a href="#expiresOn">Geldig tot en met: moet een bestaande datum zijn (JJJJ-MM-DD)</a>');
    });
  });

  describe('/artikelen', () => {
    async function draft(title: string): Promise<string> {
      const res = await t.http.post('/api/v1/articles').set(expert.api.auth).send({ title, question: `Vraag ${title}?`, answer: `Antwoord ${title}.`, keuzeIds: [22] }).expect(201);
      return res.body.id;
    }

    it('lists the articles by status with tabs, search and paging; a bad status or page is a 400 page', async () => {
      const id = await draft(`Concept ${HOSTILE}`);
      const all = await get(expert, '/artikelen').expect(200);
      expectPage(all.text);
      expect(all.text).toContain('<a href="/artikelen" aria-current="page">Alle</a>');
      expect(all.text).toContain(`href="/artikelen/${id}">Concept ${ESCAPED}</a>`);
      expect(all.text).toContain(`href="/artikelen/${publishedId}">Woningbouw bij bodemdaling</a>`);
      const drafts = await get(coordinator, '/artikelen?status=concept').expect(200);
      expect(drafts.text).toContain('<a href="/artikelen?status=concept" aria-current="page">Concept</a>');
      expect(drafts.text).toContain(`/artikelen/${id}`);
      expect(drafts.text).not.toContain(`/artikelen/${publishedId}"`);
      const published = await get(secretariat, '/artikelen?status=gepubliceerd&q=bodemdaling').expect(200);
      expect(published.text).toContain(`/artikelen/${publishedId}`);
      expect(published.text).toContain('name="status" value="gepubliceerd"');
      expect(published.text).toContain('<mark>');
      expect((await get(expert, '/artikelen?status=gearchiveerd').expect(200)).text).toContain('Er zijn geen artikelen met de status gearchiveerd.');
      expectPage((await get(expert, '/artikelen?status=geheim').expect(400)).text);
      expect((await get(expert, '/artikelen?pagina=nul').expect(400)).text).toContain('pagina');
    });

    it('edits a draft: new version, diff with insertions and deletions in words, then submits it for review', async () => {
      const id = await draft('Peilbeheer');
      const editor = await get(expert, `/artikelen/${id}/bewerken`).expect(200);
      expectPage(editor.text);
      expect(editor.text).toContain('name="version" value="1"');
      expect(editor.text).toMatch(/id="keuze-22" name="keuzeIds" value="22" checked/);
      const saved = await post(expert, `/artikelen/${id}/bewerken`, {
        version: '1',
        title: 'Peilbeheer in de polder',
        question: 'Vraag Peilbeheer?',
        answer: `Antwoord over peil ${HOSTILE}.`,
        keuzeIds: ['22', '21'],
        addRelated: `http://localhost/kennisbank/${publishedId}`,
      }).expect(303);
      expect(saved.headers.location).toBe(`/artikelen/${id}?gelukt=opgeslagen`);
      const stored = await t.app.get(Database).manager.findOneByOrFail(Article, { id });
      expect(stored.version).toBe(2);
      expect(stored.relatedArticleIds).toEqual([publishedId]);
      const page = await get(expert, `/artikelen/${id}?gelukt=opgeslagen`).expect(200);
      expectPage(page.text);
      expect(page.text).toContain('Het artikel is opgeslagen als nieuwe versie.');
      expect(page.text).toContain('Verschillen tussen versie 1 en 2');
      expect(page.text).toContain('<ins><span class="visually-hidden">[toegevoegd: </span>');
      expect(page.text).toContain('<del><span class="visually-hidden">[verwijderd: </span>');
      expect(page.text).toContain(ESCAPED);
      expect(page.text).toContain(`action="/artikelen/${id}/indienen"`);
      const submitted = await post(expert, `/artikelen/${id}/indienen`, {}).expect(303);
      expect(submitted.headers.location).toBe(`/artikelen/${id}?gelukt=ingediend`);
      const after = await get(expert, `/artikelen/${id}?gelukt=ingediend`).expect(200);
      expect(after.text).toContain('ter beoordeling aangeboden');
      expect(after.text).not.toContain(`action="/artikelen/${id}/indienen"`);
      // Submitting twice is a conflict page, not a 500.
      expectPage((await post(expert, `/artikelen/${id}/indienen`, {}).expect(409)).text);
      // Any two versions can be compared.
      const chosen = await get(expert, `/artikelen/${id}?van=1&naar=3`).expect(200);
      expect(chosen.text).toContain('Verschillen tussen versie 1 en 3');
    });

    it('refuses an edit with a linked error summary (400), keeping every typed value; a stale version is a 409 that keeps them too', async () => {
      const id = await draft('Grondwater');
      const empty = await post(expert, `/artikelen/${id}/bewerken`, { version: '1', title: ' ', question: `Mijn vraag ${HOSTILE}`, answer: 'Antwoord' }).expect(400);
      expectPage(empty.text);
      expect(empty.text).toContain('<a href="#title">Titel: mag niet leeg zijn</a>');
      expect(empty.text).toContain(`Mijn vraag ${ESCAPED}</textarea>`);
      const noKeuze = await post(expert, `/artikelen/${id}/bewerken`, { version: '1', title: 'Grondwater', question: 'Vraag', answer: 'Antwoord' }).expect(400);
      expect(noKeuze.text).toContain('<a href="#keuzes">Keuzes: kies minstens één keuze</a>');
      const badLink = await post(expert, `/artikelen/${id}/bewerken`, { version: '1', title: 'Grondwater', question: 'Vraag', answer: 'Antwoord', keuzeIds: '22', addRelated: 'geen link' }).expect(400);
      expect(badLink.text).toContain('<a href="#addRelated">Verwant artikel toevoegen: plak de link naar een artikel of de code van het artikel</a>');
      const unknown = await post(expert, `/artikelen/${id}/bewerken`, { version: '1', title: 'Grondwater', question: 'Vraag', answer: 'Antwoord', keuzeIds: '22', addRelated: randomUUID() }).expect(400);
      expect(unknown.text).toContain('<a href="#related">Verwante artikelen:');
      await post(coordinator, `/artikelen/${id}/bewerken`, { version: '1', title: 'Grondwater nieuw', question: 'Vraag', answer: 'Antwoord', keuzeIds: '22' }).expect(303);
      const stale = await post(expert, `/artikelen/${id}/bewerken`, { version: '1', title: 'Mijn titel', question: 'Vraag', answer: 'Mijn antwoord', keuzeIds: '22' }).expect(409);
      expectPage(stale.text);
      expect(stale.text).toContain('intussen gewijzigd');
      expect(stale.text).toContain('value="Mijn titel"');
      expect(stale.text).toContain('Mijn antwoord</textarea>');
    });

    it('a published article is shown, not editable', async () => {
      const page = await get(expert, `/artikelen/${publishedId}`).expect(200);
      expect(page.text).not.toContain(`href="/artikelen/${publishedId}/bewerken"`);
      expect(page.text).toContain(`href="/kennisbank/${publishedId}"`);
      const editor = await get(expert, `/artikelen/${publishedId}/bewerken`).expect(200);
      expect(editor.text).toContain('kan niet meer worden bewerkt');
      expect(editor.text).not.toContain(`action="/artikelen/${publishedId}/bewerken"`);
      await get(expert, `/artikelen/${randomUUID()}`).expect(404);
      await get(expert, '/artikelen/geen-id').expect(400);
    });

    it('makes a draft from an answered question, showing each removed personal datum with its replacement', async () => {
      const asked = await t.http
        .post('/api/v1/questions')
        .set(requester.api.auth)
        .send({ title: 'Bouwen bij de Dorpsstraat', body: 'Ik ben Jan de Vries; bel mij op 06-12345678 of mail jan@gemeente-test.nl.', keuzeIds: [21] })
        .expect(201);
      const id = asked.body.id;
      await t.drain();
      await t.http.post(`/api/v1/questions/${id}/accept`).set(expert.api.auth).send({}).expect(200);
      await t.http.post(`/api/v1/questions/${id}/answer`).set(expert.api.auth).send({ body: 'Beste Jan de Vries, kies een hoge locatie.' }).expect(200);
      // The question page offers it to staff, not to the requester.
      expect((await get(expert, `/vragen/${id}`).expect(200)).text).toContain('action="/artikelen/uit-vraag"');
      expect((await get(requester, `/vragen/${id}`).expect(200)).text).not.toContain('action="/artikelen/uit-vraag"');
      const made = await post(expert, '/artikelen/uit-vraag', { questionId: id }).expect(303);
      const articleId = /^\/artikelen\/([0-9a-f-]{36})\/bewerken\?gelukt=concept$/.exec(made.headers.location)![1];
      const editor = await get(expert, made.headers.location).expect(200);
      expectPage(editor.text);
      expect(editor.text).toContain('Er is een concept gemaakt');
      expect(editor.text).toMatch(/<td>naam<\/td><td>Jan de Vries<\/td><td><mark class="placeholder">\[naam\]<\/mark><\/td>/);
      expect(editor.text).toMatch(/<td>telefoonnummer<\/td><td>06-12345678<\/td><td><mark class="placeholder">\[telefoonnummer\]<\/mark><\/td>/);
      expect(editor.text).toContain('<mark class="placeholder"><span class="visually-hidden">[vervangen persoonsgegeven: </span>[naam]');
      // The same question again leads to the article that exists.
      const again = await post(expert, '/artikelen/uit-vraag', { questionId: id }).expect(303);
      expect(again.headers.location).toBe(`/artikelen/${articleId}?gelukt=bestaat`);
      await post(expert, '/artikelen/uit-vraag', { questionId: 'geen' }).expect(400);
      await post(expert, '/artikelen/uit-vraag', { questionId: randomUUID() }).expect(404);
    });
  });
});
