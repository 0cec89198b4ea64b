/* The public entry of statistics (README "Architecture", D1). */
export { StatisticsModule } from './statistics.module.js';
export { StatisticsService, emptyMeasures, type ResolvedFilter } from './statistics.service.js';
export { BreakdownQuery, MeasuresDto, StatisticsQuery } from './statistics.dto.js';
export { dutchDate, quarterBefore, quarterOfDay, type Quarter } from './periods.js';
export { DashboardService, SMALL_COUNT, SUPPRESSED, DASHBOARD_MAX_AGE_MS, type DashboardData, type DashboardRow, type DashboardCell, type PublicFigure } from './dashboard.service.js';
export { toCsv, type CsvValue } from './csv.js';
