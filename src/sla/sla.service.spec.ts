import { alarmOf, dimensionsOf, keuzeRowsOf } from './sla.service.js';

describe('SLA helpers', () => {
  it('derives the statistics dimensions in Europe/Amsterdam', () => {
    // 31 March 23:30 UTC is already 1 April in Amsterdam: second quarter.
    expect(dimensionsOf(new Date('2026-03-31T23:30:00Z'), { code: 'GM0363', type: 'municipality', provinceCode: 'PV27' }, 'e1')).toEqual({
      organisationType: 'municipality',
      provinceCode: 'PV27',
      periodMonth: 202604,
      periodQuarter: 20262,
      assigneeId: 'e1',
    });
    expect(dimensionsOf(new Date('2026-12-31T12:00:00Z'), { code: 'PV25', type: 'province', provinceCode: null }, null)).toMatchObject({ provinceCode: 'PV25', periodQuarter: 20264 });
    expect(dimensionsOf(new Date('2026-05-01T12:00:00Z'), { code: 'WS0155', type: 'water_board', provinceCode: null }, null)).toMatchObject({ provinceCode: null });
  });

  it('copies each clock once per keuze, marking the first keuze of each theme', () => {
    const rows = keuzeRowsOf({ id: 'q', submittedAt: new Date(0), organisationCode: 'GM0363' }, [
      { keuzeId: 22, themeId: 5 },
      { keuzeId: 21, themeId: 5 },
      { keuzeId: 25, themeId: 6 },
    ], [{ kind: 'answer', round: 0, measuredDays: 1.5, met: true, periodQuarter: 19701 }]);
    expect(rows.map((r) => [r.keuzeId, r.themeId, r.themeFirst, r.measuredDays])).toEqual([
      [21, 5, true, 1.5],
      [22, 5, false, 1.5],
      [25, 6, true, 1.5],
    ]);
  });

  it('schedules the reminder, then the breach, and nothing for stopped or paused clocks', () => {
    const base = { stoppedAt: null, pausedSince: null, remindAt: new Date(100), dueAt: new Date(200), remindedAt: null, breachNotifiedAt: null };
    expect(alarmOf(base)).toEqual(new Date(100));
    expect(alarmOf({ ...base, remindedAt: new Date(101) })).toEqual(new Date(200));
    expect(alarmOf({ ...base, remindedAt: new Date(101), breachNotifiedAt: new Date(201) })).toBeNull();
    expect(alarmOf({ ...base, stoppedAt: new Date(150) })).toBeNull();
    expect(alarmOf({ ...base, pausedSince: new Date(150), dueAt: null })).toBeNull();
  });
});
