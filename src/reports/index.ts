/* The public entry of reports (README "Architecture", D1); no other module uses reports today. */
export { ReportsModule } from './reports.module.js';
export { horizontalBarChart, axisTicks, dutchNumber, type BarGroup, type BarValue } from './charts.js';
