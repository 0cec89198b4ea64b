import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Database } from '../database/database.service.js';
import { JobName, type EnqueueOptions, type JobPayloads } from './job-names.js';
import { JobQueue } from './job-queue.js';

/** A queue that records what reaches it. */
class RecordingQueue extends JobQueue {
  readonly enqueued: { name: JobName; payload: unknown; options?: EnqueueOptions }[] = [];
  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: EnqueueOptions): Promise<void> {
    this.enqueued.push({ name, payload, options });
  }
}

describe('JobQueue.enqueueAfterCommit', () => {
  let dir: string;
  let dataSource: DataSource;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vraagbaak-jobs-'));
    dataSource = await new DataSource({ type: 'sqlite', database: join(dir, 'test.sqlite'), enableWAL: true, busyTimeout: 5000 }).initialize();
    await dataSource.query('CREATE TABLE things (id INTEGER PRIMARY KEY)');
  });

  afterEach(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enqueues a job registered in a transaction once when it commits, and not at all when it rolls back', async () => {
    const db = new Database(dataSource);
    const queue = new RecordingQueue(db);
    await db.transaction(async (m) => {
      await m.query('INSERT INTO things (id) VALUES (1)');
      queue.enqueueAfterCommit(m, JobName.RouteQuestion, { questionId: 'committed' }, { jobId: 'route:committed:0' });
      // Not before the commit.
      expect(queue.enqueued).toEqual([]);
    });
    expect(queue.enqueued).toEqual([{ name: JobName.RouteQuestion, payload: { questionId: 'committed' }, options: { jobId: 'route:committed:0' } }]);

    await expect(
      db.transaction(async (m) => {
        await m.query('INSERT INTO things (id) VALUES (2)');
        queue.enqueueAfterCommit(m, JobName.RouteQuestion, { questionId: 'rolled-back' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(queue.enqueued.map((job) => job.payload)).toEqual([{ questionId: 'committed' }]);
    expect(await dataSource.query('SELECT id FROM things')).toEqual([{ id: 1 }]);
  });

  it('enqueues the jobs of one transaction together, each once', async () => {
    const db = new Database(dataSource);
    const queue = new RecordingQueue(db);
    await db.transaction(async (m) => {
      for (const id of ['a', 'b', 'c']) queue.enqueueAfterCommit(m, JobName.RouteQuestion, { questionId: id });
    });
    await db.transaction(async (m) => queue.enqueueAfterCommit(m, JobName.RouteQuestion, { questionId: 'd' }));
    expect(queue.enqueued.map((job) => job.payload)).toEqual([{ questionId: 'a' }, { questionId: 'b' }, { questionId: 'c' }, { questionId: 'd' }]);
  });

  it('refuses a manager outside a transaction', () => {
    const queue = new RecordingQueue(new Database(dataSource));
    expect(() => queue.enqueueAfterCommit(dataSource.manager, JobName.RouteQuestion, { questionId: 'x' })).toThrow(/Database.transaction/);
  });
});
