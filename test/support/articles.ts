import type { TestUser } from './auth.js';
import type { TestApp } from './test-app.js';

/** Submits a draft article for review (its author) and publishes it (a second person: four eyes). */
export async function submitAndPublish(t: TestApp, id: string, author: TestUser, reviewer: TestUser): Promise<string> {
  await t.http.post(`/api/v1/articles/${id}/submit`).set(author.auth).send({}).expect(200);
  await t.http.post(`/api/v1/articles/${id}/publish`).set(reviewer.auth).send({}).expect(200);
  return id;
}

/** Writes an article through the API as `author` and publishes it through review; returns its id. */
export async function publishArticle(t: TestApp, author: TestUser, reviewer: TestUser, body: object): Promise<string> {
  const created = await t.http.post('/api/v1/articles').set(author.auth).send(body).expect(201);
  return submitAndPublish(t, created.body.id, author, reviewer);
}
