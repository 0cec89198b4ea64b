import { SearchDocument, SearchIndexDefinition } from '../infra/search/search-index.js';

/** Staff search over questions with the articles' engine: title, question and answer. */
export const QUESTION_INDEX: SearchIndexDefinition = {
  table: 'question_fts',
  fields: [
    { name: 'title', weight: 4 },
    { name: 'body', weight: 1 },
    { name: 'answer', weight: 2 },
  ],
};

/** Questions have UUID ids; the index needs integer keys, kept in `question_search_keys`. */
export const QUESTION_KEYS_TABLE = 'question_search_keys';

export function questionSearchDocument(seq: number, q: { title: string; body: string; answerBody: string | null }): SearchDocument {
  return { rowid: seq, fields: [q.title, q.body, q.answerBody ?? ''], tags: [] };
}
