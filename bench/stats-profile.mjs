// Times every SQL statement the statistics endpoints run, one request at a time, on an existing
// database (e.g. one kept by `npm run bench:stats -- --keep`): where the time of a slow figure goes.
//
//   DATA_DIR=/tmp/vraagbaak-bench-stats-sqlite-1000000 node bench/stats-profile.mjs [by …]
//   DATABASE_URL=postgres://…/vb_bench_stats_1000000 node bench/stats-profile.mjs keuze
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../dist/src/app.module.js';
import { AppConfig } from '../dist/src/config/app-config.js';
import { Database } from '../dist/src/infra/database/database.service.js';
import { StatisticsService } from '../dist/src/statistics/statistics.service.js';

const config = AppConfig.fromEnv({ ...process.env, LOG_LEVEL: 'error' });
const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { role: 'cli' }), { logger: false });
let log = [];
// Every statement, whether it goes through TypeORM's manager or the read-only connections.
for (const target of [app.get(Database).manager, app.get(Database).reader]) {
  const query = target.query.bind(target);
  target.query = async (sql, params) => {
    const t0 = performance.now();
    try {
      return await query(sql, params);
    } finally {
      log.push({ ms: +(performance.now() - t0).toFixed(1), sql: sql.replace(/\s+/g, ' ').slice(0, 150) });
    }
  };
}
const stats = app.get(StatisticsService);
const dimensions = process.argv.slice(2);
for (const by of dimensions.length ? dimensions : [null]) {
  log = [];
  const t0 = performance.now();
  if (by) await stats.breakdown({ by });
  else await stats.overview({});
  console.log(`\n${by ?? 'overview'}: ${(performance.now() - t0).toFixed(0)} ms, ${log.length} statements`);
  console.table(log.sort((a, b) => b.ms - a.ms).slice(0, 12));
}
await app.close();
