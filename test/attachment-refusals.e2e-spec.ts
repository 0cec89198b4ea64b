import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestApp, startTestApp } from './support/test-app.js';
import { TestUser, signInAs } from './support/auth.js';

/** A refused upload leaves nothing on disk: permission is checked before the file is written. */
describe('attachments: refused uploads (e2e)', () => {
  let t: TestApp;
  let requester: TestUser;
  let otherRequester: TestUser;
  let secretariat: TestUser;
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  const attachmentsDir = () => join(t.config.dataPath, 'attachments');
  /** Everything below DATA_DIR/attachments, as relative paths. */
  const onDisk = () => (existsSync(attachmentsDir()) ? readdirSync(attachmentsDir(), { recursive: true }).map(String).sort() : []);
  const upload = (who: TestUser, questionId: string) => t.http.post(`/api/v1/questions/${questionId}/attachments`).set(who.auth).attach('file', pdf, 'plan.pdf');
  const submit = async () => (await t.http.post('/api/v1/questions').set(requester.auth).send({ title: 'Bijlagen', body: 'Met een tekening.', keuzeIds: [3] }).expect(201)).body;

  beforeAll(async () => {
    t = await startTestApp();
    requester = await signInAs(t, { roles: ['requester'] });
    otherRequester = await signInAs(t, { roles: ['requester'], organisationCode: 'GM0599' });
    secretariat = await signInAs(t, { roles: ['secretariat'] });
  });
  afterAll(() => t.close());

  it('writes no file or folder for someone else’s question (404), a reader who may not upload (403), an unknown question (404) or a withdrawn one (409)', async () => {
    const question = await submit();
    await upload(otherRequester, question.id).expect(404);
    await upload(secretariat, question.id).expect(403);
    await upload(requester, randomUUID()).expect(404);
    const withdrawn = await submit();
    await t.http.post(`/api/v1/questions/${withdrawn.id}/withdraw`).set(requester.auth).expect(200);
    await upload(requester, withdrawn.id).expect(409);
    expect(onDisk()).toEqual([]);

    // The same upload by the question's requester is stored.
    const stored = await upload(requester, question.id).expect(201);
    expect(onDisk()).toEqual([question.id, join(question.id, stored.body.id)]);
  });
});
