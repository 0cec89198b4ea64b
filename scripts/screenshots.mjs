// npm run screenshots — a PNG of every page in docs/screens/, for the README and for review.
//
// Starts the built app (dist/) on a fresh SQLite database in a temporary folder, fills it with the
// demo data of `demo:seed` (SCREENSHOT_QUESTIONS questions, default 2,000, seed 1) and
// SCREENSHOT_ARTICLES (500) generated articles of the search benchmark, signs people in
// through the mailed link (mail goes to the data folder), and drives Debian's chromium
// (CHROMIUM_PATH, default /usr/bin/chromium) with playwright-core: each page 1280 px wide, the
// whole page, and the pages marked `narrow` also 320 px wide (`<name>-320.png`).
// A page that answers another status than its entry expects (200 unless `status` says otherwise)
// fails the run.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, freePort, freshDataDir, signInByMail, startServer } from '../bench/support.mjs';
import { loadArticles } from '../bench/search-corpus.mjs';

/**
 * Every page, one line each: file name, path (from the demo data picked below), who looks at it
 * (anonymous, requester, staff, expert, worker: an expert with questions in progress, or coordinator),
 * `narrow` for a 320 px shot too, `status` when it is an error page, `act` for steps on the page before the shot.
 */
const PAGES = [
  { name: 'start', path: () => '/', who: 'anonymous', narrow: true },
  { name: 'kennisbank-zoeken', path: () => '/kennisbank?q=peilbeheer', who: 'anonymous', narrow: true },
  { name: 'kennisbank-geen-resultaten', path: () => '/kennisbank?q=fietsenstalling', who: 'anonymous' },
  { name: 'kennisbank-artikel', path: (d) => `/kennisbank/${d.articleId}`, who: 'anonymous', narrow: true },
  { name: 'thema', path: () => '/themas/1', who: 'anonymous' },
  { name: 'keuze', path: () => '/keuzes/1', who: 'anonymous' },
  { name: 'inloggen', path: () => '/inloggen', who: 'anonymous' },
  { name: 'toegankelijkheid', path: () => '/toegankelijkheid', who: 'anonymous' },
  { name: 'start-ingelogd', path: () => '/', who: 'requester' },
  { name: 'vraag-stellen', path: () => '/vragen/nieuw', who: 'requester', narrow: true },
  { name: 'mijn-vragen', path: () => '/vragen', who: 'requester', narrow: true },
  { name: 'vraag', path: (d) => `/vragen/${d.questionId}`, who: 'requester', narrow: true },
  { name: 'vraag-ingediend', path: (d) => `/vragen/${d.questionId}/ingediend`, who: 'requester' },
  { name: 'vraag-medewerker', path: (d) => `/vragen/${d.questionId}`, who: 'staff' },
  { name: 'kennisbank-artikel-medewerker', path: (d) => `/kennisbank/${d.articleId}`, who: 'staff' },
  { name: 'profiel', path: () => '/profiel', who: 'expert', narrow: true },
  { name: 'profiel-vraagsteller', path: () => '/profiel', who: 'requester' },
  { name: 'artikelen', path: () => '/artikelen', who: 'expert', narrow: true },
  { name: 'artikelen-concept', path: () => '/artikelen?status=concept', who: 'expert' },
  { name: 'artikel-versies', path: (d) => `/artikelen/${d.draftId}#verschillen`, who: 'expert', narrow: true },
  { name: 'artikel-bewerken', path: (d) => `/artikelen/${d.draftId}/bewerken`, who: 'expert', narrow: true },
  { name: 'werkvoorraad', path: () => '/werkvoorraad', who: 'worker', narrow: true },
  { name: 'vraag-beantwoorden', path: (d) => `/vragen/${d.workQuestionId}#beantwoorden-kop`, who: 'worker', narrow: true },
  {
    name: 'vraag-voorbeeld',
    path: (d) => `/vragen/${d.workQuestionId}`,
    who: 'worker',
    // The answer editor after "Voorbeeld", with an article found on the page.
    act: async (page) => {
      await page.getByLabel('Antwoord', { exact: true }).fill('Dat kan, mits u **eerst** het peil vastlegt:\n\n- overleg met het waterschap\n- leg de keuze vast in het omgevingsplan');
      await page.getByLabel('Zoek een artikel in de kennisbank').fill('peilbeheer');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Voorbeeld', exact: true }).click()]);
    },
  },
  {
    name: 'vraag-conflict',
    path: (d) => `/vragen/${d.workQuestionId}`,
    who: 'worker',
    status: 200,
    // Someone else changes the priority while the expert types: the conflict page keeps the text.
    act: async (page) => {
      await page.getByLabel('Antwoord', { exact: true }).fill('Mijn antwoord, dat ik niet kwijt wil.');
      await coordinatorCall('POST', `/questions/${demo.workQuestionId}/priority`, { priority: 'urgent' });
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Antwoord versturen' }).click()]);
    },
  },
  { name: 'triage', path: () => '/triage', who: 'coordinator', narrow: true },
  { name: 'vraag-coordinator', path: (d) => `/vragen/${d.triageQuestionId}#toewijzen`, who: 'coordinator', narrow: true },
  { name: 'dashboard', path: () => '/dashboard', who: 'anonymous', narrow: true },
  { name: 'evaluatierapport', path: () => '/reports/evaluation', who: 'staff', narrow: true },
  { name: 'kwartaaloverzicht', path: () => '/reports/quarterly', who: 'staff', narrow: true },
  { name: 'secretariaat', path: () => '/secretariaat', who: 'staff', narrow: true },
  { name: 'secretariaat-statistieken', path: () => '/secretariaat/statistieken?by=province', who: 'staff', narrow: true },
  { name: 'secretariaat-artikelen', path: () => '/secretariaat/artikelen', who: 'staff' },
  { name: 'secretariaat-gebruikers', path: () => '/secretariaat/gebruikers?rol=expert', who: 'staff', narrow: true },
  { name: 'secretariaat-kalender', path: () => '/secretariaat/kalender', who: 'staff' },
  { name: 'secretariaat-toegangsverzoeken', path: () => '/secretariaat/toegangsverzoeken', who: 'staff' },
  { name: 'secretariaat-aanmelddomeinen', path: () => '/secretariaat/aanmelddomeinen', who: 'staff' },
  { name: 'secretariaat-kennishiaten', path: () => '/secretariaat/kennishiaten', who: 'staff' },
  { name: 'secretariaat-mails', path: () => '/secretariaat/mails', who: 'staff' },
  { name: 'secretariaat-audit', path: () => '/secretariaat/audit', who: 'staff' },
  { name: 'fout-niet-gevonden', path: () => '/bestaat-niet', who: 'anonymous', status: 404 },
  { name: 'fout-inloggen-nodig', path: () => '/vragen', who: 'anonymous', status: 401, narrow: true },
];

// SCREENSHOT_ONLY=dashboard,evaluatierapport writes just those pages (the others stay as they are).
const ONLY = process.env.SCREENSHOT_ONLY ? new Set(process.env.SCREENSHOT_ONLY.split(',')) : null;
const QUESTIONS = Number(process.env.SCREENSHOT_QUESTIONS ?? 2_000);
const ARTICLES = Number(process.env.SCREENSHOT_ARTICLES ?? 500);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = join(ROOT, 'docs', 'screens');

const dist = (path) => import(join(ROOT, 'dist', path));
const { AppConfig } = await dist('src/config/app-config.js');
const { runDemoSeed } = await dist('src/demo/demo-seed.js');
const { createDataSource } = await dist('src/infra/database/data-source.js');
const { runMigrationsLocked } = await dist('src/infra/database/migrator.js');

/** The demo data the paths point at: the requester with the most questions, one of their answered questions, the latest article (the demo's, from a question). */
async function pickDemoData(config) {
  const db = await createDataSource(config).initialize();
  try {
    const [requester] = await db.query(
      `SELECT u.id, u.email FROM users u JOIN questions q ON q.requester_id = u.id GROUP BY u.id, u.email ORDER BY count(*) DESC, u.email LIMIT 1`,
    );
    const [question] = await db.query(
      `SELECT id FROM questions WHERE requester_id = ? ORDER BY CASE status WHEN 'answered' THEN 0 WHEN 'closed' THEN 1 ELSE 2 END, submitted_at DESC LIMIT 1`,
      [requester.id],
    );
    const [article] = await db.query(`SELECT id FROM articles WHERE status = 'published' ORDER BY published_at DESC LIMIT 1`);
    const [staff] = await db.query(`SELECT email FROM users WHERE roles LIKE '%,secretariat,%' ORDER BY email LIMIT 1`);
    // The expert who answered most, and their latest answered question that has no article yet (the workspace pages).
    const [expert] = await db.query(
      `SELECT u.id, u.email FROM users u JOIN questions q ON q.assignee_id = u.id WHERE q.status IN ('answered', 'closed') AND u.roles LIKE '%,expert,%' GROUP BY u.id, u.email ORDER BY count(*) DESC, u.email LIMIT 1`,
    );
    const [source] = await db.query(
      `SELECT id FROM questions WHERE assignee_id = ? AND status IN ('answered', 'closed') AND id NOT IN (SELECT source_question_id FROM articles WHERE source_question_id IS NOT NULL) ORDER BY submitted_at DESC LIMIT 1`,
      [expert.id],
    );
    // The taskforce's lists: the expert with the most questions in progress, and a coordinator.
    const [worker] = await db.query(
      `SELECT u.id, u.email FROM users u JOIN questions q ON q.assignee_id = u.id WHERE q.status = 'in_progress' AND u.roles LIKE '%,expert,%' GROUP BY u.id, u.email ORDER BY count(*) DESC, u.email LIMIT 1`,
    );
    const [work] = await db.query(`SELECT id FROM questions WHERE assignee_id = ? AND status = 'in_progress' ORDER BY submitted_at DESC LIMIT 1`, [worker.id]);
    const [coordinator] = await db.query(`SELECT email FROM users WHERE roles LIKE '%,coordinator,%' AND active = 1 ORDER BY email LIMIT 1`);
    const [waiting] = await db.query(
      `SELECT id FROM questions WHERE status IN ('triage', 'submitted', 'assigned') ORDER BY CASE status WHEN 'triage' THEN 0 WHEN 'assigned' THEN 1 ELSE 2 END, submitted_at LIMIT 1`,
    );
    return {
      requesterEmail: requester.email,
      staffEmail: staff.email,
      expertEmail: expert.email,
      workerEmail: worker.email,
      coordinatorEmail: coordinator.email,
      workQuestionId: work.id,
      triageQuestionId: waiting.id,
      sourceQuestionId: source.id,
      questionId: question.id,
      articleId: article.id,
    };
  } finally {
    await db.destroy();
  }
}

/**
 * What the workspace pages show, made through the API as the expert: a draft article from their
 * answered question, edited once (a version diff), an absence and a personal token.
 */
async function prepareWorkspace(cookies) {
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const me = await (await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie } })).json();
  const call = async (method, path, body) => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, { method, body: JSON.stringify(body), headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': me.csrfToken } });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const draft = await call('POST', '/articles', { questionId: demo.sourceQuestionId });
  await call('PATCH', `/articles/${draft.id}`, { version: draft.version, answer: `${draft.answer}\n\nZie ook het beleidskader van de provincie; neem contact op met de omgevingsdienst.` });
  demo.draftId = draft.id;
  const today = new Date().toISOString().slice(0, 10);
  const inDays = (days) => new Date(Date.parse(`${today}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  await call('POST', '/me/absences', { startsOn: inDays(14), endsOn: inDays(25), note: 'Vakantie' });
  await call('POST', '/me/tokens', { name: 'Koppeling zaaksysteem', expiresAt: `${inDays(90)}T23:00:00Z` });
}

/** An API call as the coordinator (for the conflict page: a change made while someone types). */
let coordinatorCall;
function apiAs(cookies) {
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return async (method, path, body) => {
    const me = await (await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie } })).json();
    const res = await fetch(`${baseUrl}/api/v1${path}`, { method, body: JSON.stringify(body), headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': me.csrfToken } });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
}

const dataDir = freshDataDir('vraagbaak-screens-');
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const env = { DATA_DIR: dataDir, PUBLIC_URL: baseUrl, STAFF_MFA: 'false', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000', RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '100000' };
const config = AppConfig.fromEnv({ NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env });

console.log(`Seeding ${QUESTIONS} demo questions in ${dataDir}…`);
// The demo publishes articles from a sample of its closed questions (a dozen per 5,000); the search
// benchmark's generated articles, loaded first, give the knowledge base pages their length.
const migrated = await createDataSource(config).initialize();
await runMigrationsLocked(migrated);
await loadArticles(migrated, 'sqlite', ARTICLES);
await migrated.destroy();
const seeded = await runDemoSeed(config, { questions: QUESTIONS, seed: 1 });
console.log(`Seeded ${seeded.questions} questions, ${seeded.requesters} requesters and ${seeded.articles} articles.`);
const demo = await pickDemoData(config);
const server = await startServer('dist/src/main.js', { port, env, timeoutMs: 120_000 });

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
const failed = [];
try {
  mkdirSync(OUT, { recursive: true });
  const cookies = {
    anonymous: [],
    requester: await signInByMail(baseUrl, demo.requesterEmail, join(dataDir, 'mail')),
    staff: await signInByMail(baseUrl, demo.staffEmail, join(dataDir, 'mail')),
    expert: await signInByMail(baseUrl, demo.expertEmail, join(dataDir, 'mail')),
    worker: await signInByMail(baseUrl, demo.workerEmail, join(dataDir, 'mail')),
    coordinator: await signInByMail(baseUrl, demo.coordinatorEmail, join(dataDir, 'mail')),
  };
  coordinatorCall = apiAs(cookies.coordinator);
  await prepareWorkspace(cookies.expert);
  for (const entry of PAGES.filter((e) => !ONLY || ONLY.has(e.name))) {
    const path = entry.path(demo);
    for (const width of entry.narrow ? [1280, 320] : [1280]) {
      const context = await browser.newContext({ viewport: { width, height: 800 }, locale: 'nl-NL' });
      await context.addCookies(cookies[entry.who].map((c) => ({ ...c, url: baseUrl })));
      const page = await context.newPage();
      try {
        const res = await page.goto(`${baseUrl}${path}`, { waitUntil: 'load', timeout: 120_000 });
        const status = res?.status();
        if (status !== (entry.status ?? 200)) {
          console.log(`FAILED   ${entry.name.padEnd(32)} ${path} answers ${status}`);
          failed.push(`${entry.name} (${path}): ${status}`);
          break;
        }
        if (entry.act) await entry.act(page);
        const file = `${entry.name}${width === 1280 ? '' : `-${width}`}.png`;
        writeFileSync(join(OUT, file), await page.screenshot({ fullPage: true }));
        console.log(`written  ${entry.name.padEnd(32)} ${path} → docs/screens/${file}`);
      } catch (error) {
        console.log(`FAILED   ${entry.name.padEnd(32)} ${path}: ${error.message.split('\n')[0]}`);
        failed.push(`${entry.name} (${path}): ${error.message.split('\n')[0]}`);
        break;
      } finally {
        await context.close();
      }
    }
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

if (failed.length) {
  console.error(`\nPages that failed: ${failed.join(', ')}`);
  process.exit(1);
}
