import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { enabledHolidays, parseHolidayList, parseOfficeHours } from '../config/calendar-settings.js';
import { WorkingCalendar } from './working-calendar.js';

/** The calendar options AppConfig selects (HOLIDAYS_DISABLED, OFFICE_HOURS; both validated by AppConfig.fromEnv). */
export function calendarFromConfig(config: AppConfig): WorkingCalendar {
  return new WorkingCalendar({
    enabledHolidays: enabledHolidays(parseHolidayList(config.holidaysDisabled)),
    ...parseOfficeHours(config.officeHours),
  });
}

/**
 * Provides the one WorkingCalendar (working days, office time) for SLA timing and automatic closing.
 * Closure days start empty: they will live in a table managed by the secretariat, and the service
 * owning that table is to load them into the calendar with `WorkingCalendar.setClosureDays` at
 * start-up and after each change.
 */
@Module({
  providers: [{ provide: WorkingCalendar, inject: [AppConfig], useFactory: calendarFromConfig }],
  exports: [WorkingCalendar],
})
export class CalendarModule {}
