// Generated Dutch knowledge-base articles for the search benchmark: realistic WBS sentences from the
// shared vocabulary (test/fixtures/knowledge-corpus-vocabulary.json), deterministic for a given seed.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../dist/src/common/random.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const vocabularyPath = fileURLToPath(new URL('../test/fixtures/knowledge-corpus-vocabulary.json', import.meta.url));
export const VOCABULARY = JSON.parse(readFileSync(vocabularyPath, 'utf8'));

/** Keuze → theme, as in the WBS catalog (8 themes, 33 keuzes). */
export const KEUZE_THEME = {
  1: 1, 2: 1, 3: 1, 4: 1, 5: 2, 6: 2, 7: 3, 8: 3, 9: 3, 10: 3, 11: 3, 12: 3, 13: 3, 14: 3, 15: 4, 16: 4, 17: 4,
  18: 4, 19: 4, 20: 4, 21: 5, 22: 5, 23: 5, 24: 5, 25: 6, 26: 6, 27: 6, 28: 7, 29: 7, 30: 8, 31: 8, 32: 8, 33: 8,
};

/** The app's deterministic PRNG (src/common/random.ts), so the corpus is the same on every machine. */
export const randomSource = seededRandom;

const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);

function fill(template, slots) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(slots[name]));
}

/** One article: title, question, Markdown answer and 1–3 keuzes (mostly of one theme). */
export function generateArticle(random, index) {
  const keuzeIds = [];
  const main = 1 + random.int(33);
  keuzeIds.push(main);
  const extra = random.int(3);
  for (let i = 0; i < extra; i++) {
    // A related keuze: usually from the same theme, sometimes from anywhere.
    const sameTheme = Object.keys(KEUZE_THEME).map(Number).filter((k) => KEUZE_THEME[k] === KEUZE_THEME[main]);
    const other = random.next() < 0.7 ? random.pick(sameTheme) : 1 + random.int(33);
    if (!keuzeIds.includes(other)) keuzeIds.push(other);
  }
  const vocab = (k) => VOCABULARY.keuzes[String(k)];
  const slots = () => {
    const k = random.next() < 0.8 ? main : random.pick(keuzeIds);
    const v = vocab(k);
    const k2 = random.pick(keuzeIds);
    return {
      topic: random.pick(v.topics),
      topic2: random.pick(vocab(k2).topics),
      word: random.pick(v.words),
      word2: random.pick(vocab(k2).words),
      place: random.pick(VOCABULARY.places),
      actor: random.pick(VOCABULARY.actors),
      keuze: main,
    };
  };
  const s = slots();
  const title = `${capitalise(s.topic)}${random.next() < 0.5 ? ` in ${s.place}` : ` en ${s.word2}`}`;
  const question = fill(random.pick(VOCABULARY.questionTemplates), s);
  const paragraphs = [];
  const count = 4 + random.int(4);
  for (let i = 0; i < count; i++) paragraphs.push(fill(random.pick(VOCABULARY.answerSentences), slots()));
  const answer = `${paragraphs.slice(0, 2).join(' ')}\n\n${paragraphs.slice(2).join(' ')}\n\n- keuze ${main}: ${vocab(main).words.slice(0, 3).join(', ')}\n- artikelnummer ${index}`;
  return { title, question, answer, keuzeIds };
}

/** A fixed, varied mix of queries: 1–4 terms, some with an extra irrelevant word (fallback), some phrases. */
export function generateQueries(random, count) {
  const noise = ['fietspad', 'subsidieloket', 'kantoortijden', 'vergaderzaal', 'parkeervergunning', 'koffie'];
  const queries = [];
  for (let i = 0; i < count; i++) {
    const v = VOCABULARY.keuzes[String(1 + random.int(33))];
    const kind = random.next();
    const terms = [];
    const n = 1 + random.int(4);
    for (let j = 0; j < n; j++) terms.push(random.pick(random.next() < 0.5 ? v.words : v.topics.flatMap((t) => t.split(' ').filter((w) => w.length > 4))));
    let q = [...new Set(terms)].join(' ');
    if (kind < 0.15) q = `${q} ${random.pick(noise)}`;
    else if (kind < 0.25) q = `"${random.pick(v.topics).split(' ').slice(-2).join(' ')}"`;
    queries.push(q);
  }
  return queries;
}

/**
 * Loads `count` published articles: rows by bulk SQL, the search index through the app's own
 * SearchIndex.indexMany (so the analyzer and FTS/tsvector code are the ones measured). Needs `npm run build`.
 */
export async function loadArticles(dataSource, kind, count) {
  const dist = (path) => import(join(ROOT, 'dist', path));
  const { SearchIndex } = await dist('src/infra/search/search-index.js');
  const { SqlParams } = await dist('src/infra/database/sql.js');
  const { ARTICLE_INDEX, articleSearchDocument } = await dist('src/knowledge/article-index.js');
  const { renderAnswerHtml, answerPlainText } = await dist('src/common/markdown.js');
  const ARTICLES = count;
  const index = new SearchIndex(ARTICLE_INDEX);
  const random = randomSource(42);
  const now = Date.now();
  const time = (date) => (kind === 'postgres' ? date : date.toISOString().replace('T', ' ').replace('Z', ''));
  let rowsMs = 0;
  let indexMs = 0;
  const CHUNK = 1000;
  await index.beginBulkLoad(dataSource.manager);
  for (let start = 1; start <= ARTICLES; start += CHUNK) {
    const articles = [];
    for (let seq = start; seq < Math.min(start + CHUNK, ARTICLES + 1); seq++) {
      const generated = generateArticle(random, seq);
      const answerHtml = renderAnswerHtml(generated.answer);
      const keuzeIds = [...generated.keuzeIds].sort((a, b) => a - b);
      const themeIds = [...new Set(keuzeIds.map((k) => KEUZE_THEME[k]))].sort((a, b) => a - b);
      const published = new Date(now - (ARTICLES - seq) * 600_000);
      articles.push({ seq, id: randomUUID(), ...generated, keuzeIds, themeIds, answerHtml, answerText: answerPlainText(answerHtml), status: 'published', published });
    }
    let t0 = performance.now();
    await dataSource.transaction(async (m) => {
      for (let i = 0; i < articles.length; i += 100) {
        const slice = articles.slice(i, i + 100);
        const p = new SqlParams(kind);
        const tuples = slice.map((a) =>
          `(${[a.seq, a.id, a.title, a.question, a.answer, a.answerHtml, a.answerText, a.status, JSON.stringify(a.keuzeIds), JSON.stringify(a.themeIds), '[]', 'municipality', '[]', 1, time(a.published), time(a.published), time(a.published), time(a.published)].map((v) => p.add(v)).join(', ')})`,
        );
        await m.query(
          `INSERT INTO articles (seq, id, title, question, answer, answer_html, answer_text, status, keuze_ids, theme_ids, related_article_ids, organisation_type, removed_personal_data, version, created_at, updated_at, published_at, last_reviewed_at) VALUES ${tuples.join(', ')}`,
          p.values,
        );
        const k = new SqlParams(kind);
        const keuzeTuples = slice.flatMap((a) => a.keuzeIds.map((keuze) => `(${[a.id, keuze, KEUZE_THEME[keuze], a.seq, a.status].map((v) => k.add(v)).join(', ')})`));
        await m.query(`INSERT INTO article_keuzes (article_id, keuze_id, theme_id, article_seq, status) VALUES ${keuzeTuples.join(', ')}`, k.values);
      }
    });
    rowsMs += performance.now() - t0;
    t0 = performance.now();
    await dataSource.transaction((m) => index.indexMany(m, articles.map(articleSearchDocument)));
    indexMs += performance.now() - t0;
  }
  const t0 = performance.now();
  await index.endBulkLoad(dataSource.manager);
  const optimizeMs = performance.now() - t0;
  if (kind === 'postgres') {
    await dataSource.query(`SELECT setval(pg_get_serial_sequence('articles', 'seq'), ${ARTICLES})`);
    await dataSource.query('VACUUM ANALYZE articles');
    await dataSource.query('VACUUM ANALYZE article_keuzes');
    await dataSource.query(`VACUUM ANALYZE ${ARTICLE_INDEX.table}`);
  } else {
    await dataSource.query('ANALYZE');
  }
  indexMs += performance.now() - t0;
  return { rowsMs, indexMs, optimizeMs };
}
