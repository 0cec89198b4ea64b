import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppConfig } from '../config/app-config.js';
import { CalendarModule } from './calendar.module.js';
import { WorkingCalendar } from './working-calendar.js';

// Stands in for InfraModule, which provides AppConfig globally in the app.
@Global()
@Module({
  providers: [{ provide: AppConfig, useValue: AppConfig.fromEnv({ HOLIDAYS_DISABLED: 'bevrijdingsdag' }) }],
  exports: [AppConfig],
})
class ConfigStub {}

describe('CalendarModule', () => {
  it('provides a WorkingCalendar built from AppConfig', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ConfigStub, CalendarModule] }).compile();
    const calendar = moduleRef.get(WorkingCalendar);
    expect(calendar).toBeInstanceOf(WorkingCalendar);
    expect(calendar.isWorkingDay('2026-05-05')).toBe(true);
    expect(calendar.isWorkingDay('2026-05-14')).toBe(false);
    await moduleRef.close();
  });
});
