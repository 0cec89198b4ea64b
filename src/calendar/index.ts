/* The public entry of calendar (README "Architecture", D1). */
export { CalendarModule } from './calendar.module.js';
export { WorkingCalendar } from './working-calendar.js';
