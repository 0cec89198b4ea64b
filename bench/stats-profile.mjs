// Times every SQL statement the statistics endpoints run, one request at a time, on an existing
// database (e.g. one kept by `npm run bench:stats -- --keep`): where the time of a slow figure goes.
//
//   DATA_DIR=/tmp/vraagbaak-bench-stats-sqlite-1000000 node bench/stats-profile.mjs [overview|report|<by>][?filters] …
//   DATABASE_URL=postgres://…/vb_bench_stats_1000000 node bench/stats-profile.mjs keuze
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../dist/src/app.module.js';
import { AppConfig } from '../dist/src/config/app-config.js';
import { Database } from '../dist/src/infra/database/database.service.js';
import { StatisticsService } from '../dist/src/statistics/statistics.service.js';
import { EvaluationReportService } from '../dist/src/reports/evaluation-report.service.js';
import { QuarterlyReportService } from '../dist/src/reports/quarterly-report.service.js';
import { DashboardService } from '../dist/src/statistics/dashboard.service.js';

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
const report = app.get(EvaluationReportService);
const quarterly = app.get(QuarterlyReportService);
const dashboard = app.get(DashboardService);
// Each argument: `overview`, `report`, `quarterly`, `dashboard` or a breakdown dimension, optionally with filters: `overview?themeId=5&from=2026-01-01`.
for (const arg of process.argv.length > 2 ? process.argv.slice(2) : ['overview']) {
  const [what, search = ''] = arg.split('?');
  const query = Object.fromEntries([...new URLSearchParams(search)].map(([k, v]) => [k, /Id$/.test(k) ? Number(v) : v]));
  log = [];
  const t0 = performance.now();
  if (what === 'overview') await stats.overview(query);
  else if (what === 'report') await report.gather(query);
  else if (what === 'quarterly') await quarterly.gather(query);
  else if (what === 'dashboard') await dashboard.compute();
  else await stats.breakdown({ ...query, by: what });
  console.log(`\n${arg}: ${(performance.now() - t0).toFixed(0)} ms, ${log.length} statements`);
  console.table(log.sort((a, b) => b.ms - a.ms).slice(0, 12));
}
await app.close();
