import 'reflect-metadata';
import { loadConfigOrExit } from './config/load-config.js';
import { checkDatabaseOrExit } from './infra/database/preflight.js';

/**
 * Job worker entry point: `node dist/src/worker.js` (what `npm run start:worker` runs after
 * building). The whole application without HTTP, with BullMQ workers on: run as many as the
 * load needs, next to HTTP processes started with WORKERS=false. SIGTERM/SIGINT stop taking
 * jobs, let running ones finish and close the database and Redis.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit('Vraagbaak worker');
  if (!config.redisUrl) {
    process.stderr.write(
      'Vraagbaak worker cannot start: REDIS_URL is not set. Without Redis, jobs run inside the app itself (`npm start`); ' +
        'a separate worker needs a shared queue, e.g. REDIS_URL=redis://127.0.0.1:6379.\n',
    );
    process.exit(1);
  }
  // This process exists to run jobs, whatever WORKERS says for the HTTP processes.
  config.workers = true;
  await checkDatabaseOrExit(config, 'Vraagbaak worker');

  // Imported after the config is known to be valid, so a bad variable gives the message above.
  const { NestFactory } = await import('@nestjs/core');
  const { PinoNestLogger, createRootLogger } = await import('./infra/logging.js');
  const { AppModule } = await import('./app.module.js');
  const logger = new PinoNestLogger(createRootLogger(config));
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { role: 'worker' }), { logger, abortOnError: false });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  logger.log(`Vraagbaak worker runs jobs from Redis (database: ${config.databaseKind}, concurrency: ${config.jobConcurrency})`, 'Worker');
}

main().catch((error: unknown) => {
  process.stderr.write(`Vraagbaak worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
