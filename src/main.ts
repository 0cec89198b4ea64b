import 'reflect-metadata';
import { loadConfigOrExit } from './config/load-config.js';
import { checkDatabaseOrExit } from './infra/database/preflight.js';

/** Production entry point: `node dist/src/main.js` (what `npm start` runs after building). */
async function main(): Promise<void> {
  const config = loadConfigOrExit('Vraagbaak');
  await checkDatabaseOrExit(config, 'Vraagbaak');
  // Imported after the config is known to be valid, so a bad variable gives the message above.
  const { createApp } = await import('./infra/http/create-app.js');
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  app.getHttpAdapter().getInstance().log.info(`Vraagbaak serves on ${config.publicUrl} (database: ${config.databaseKind}, jobs: ${config.redisUrl ? 'redis' : 'in-process'})`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Vraagbaak failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
