import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import supertest from 'supertest';
import { AppConfig } from '../../src/config/app-config.js';
import { createApp } from '../../src/infra/http/create-app.js';
import { Clock } from '../../src/common/clock.js';
import { InProcessJobQueue } from '../../src/infra/jobs/in-process-job-queue.js';
import type { JobName } from '../../src/infra/jobs/job-names.js';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: ReturnType<typeof supertest>;
  /** Freezes the app's clock at an instant, e.g. '2026-03-02T09:00:00+01:00'. */
  at(instant: string): void;
  /** Runs every queued in-process job, and the jobs those enqueue, to the end. */
  drain(): Promise<void>;
  /** Stops the app and removes its database and data folder. */
  close(): Promise<void>;
}

/**
 * A fresh database for one test file: a new SQLite file, or — when DATABASE_URL points at
 * PostgreSQL — a new database on that server, dropped afterwards.
 */
export async function freshDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vraagbaak-test-'));
  const base = process.env.DATABASE_URL;
  if (!base) return { env: { DATA_DIR: dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  const name = `vb_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(base, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    drop: async () => {
      await withAdmin(base, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function withAdmin(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

export function testConfig(env: Record<string, string>): AppConfig {
  return AppConfig.fromEnv({ NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', PORT: '0', PUBLIC_URL: 'http://vraagbaak.test', ...env });
}

export async function startTestApp(env: Record<string, string> = {}, database?: Awaited<ReturnType<typeof freshDatabase>>): Promise<TestApp> {
  const db = database ?? (await freshDatabase());
  const config = testConfig({ ...db.env, ...env });
  const app = await createApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    http: supertest(app.getHttpServer()),
    at: (instant: string) => {
      const frozen = new Date(instant);
      app.get(Clock).now = () => new Date(frozen);
    },
    drain: () => app.get(InProcessJobQueue).drain(),
    close: async () => {
      await app.close();
      if (!database) await db.drop();
    },
  };
}

/**
 * Runs `work` while the in-process queue loses the enqueues of the jobs named in `lost` (all jobs
 * when empty), as when Redis restarts or a worker elsewhere takes the job and dies: what the
 * reconciler, or a test running the handler itself, must then make up for.
 */
export async function losingEnqueues<T>(queue: InProcessJobQueue, lost: JobName[], work: () => Promise<T>): Promise<T> {
  const enqueue = queue.enqueue.bind(queue);
  queue.enqueue = async (name, payload, options) => {
    if (lost.length > 0 && !lost.includes(name)) await enqueue(name, payload, options);
  };
  try {
    return await work();
  } finally {
    queue.enqueue = enqueue;
  }
}
