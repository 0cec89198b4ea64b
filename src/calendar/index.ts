/* The public entry of calendar (README "Architecture", D1). */
export { CalendarModule } from './calendar.module.js';
export { WorkingCalendar } from './working-calendar.js';
// Validators of the calendar settings, used by config/app-config.ts.
export { IsHolidayKeyList, IsOfficeHours } from './calendar.config.js';
