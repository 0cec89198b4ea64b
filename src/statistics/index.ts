/* The public entry of statistics (README "Architecture", D1). */
export { StatisticsModule } from './statistics.module.js';
export { StatisticsService, emptyMeasures, type ResolvedFilter } from './statistics.service.js';
export { MeasuresDto, StatisticsQuery } from './statistics.dto.js';
export { dutchDate } from './periods.js';
