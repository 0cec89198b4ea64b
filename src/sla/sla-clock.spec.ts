import { ALL_HOLIDAYS, WorkingCalendar } from '../calendar/working-calendar.js';
import { foldTimeline, replayClocks, type TimelineEntry } from './sla-clock.js';

const calendar = new WorkingCalendar({ enabledHolidays: ALL_HOLIDAYS });
const targets = { firstResponseDays: 2, answerDays: 10, reminderPct: 80 };
const ev = (type: string, local: string): TimelineEntry => ({ type, occurredAt: new Date(local) });
const replay = (events: TimelineEntry[], now = '2026-07-01T12:00:00+02:00', extra: Partial<Parameters<typeof replayClocks>[1]> = {}) =>
  replayClocks(events, { time: calendar, priority: 'normal', targets, now: new Date(now), ...extra });

describe('replayClocks', () => {
  it('measures first response and answer in working days, skipping weekends and Koningsdag', () => {
    const { clocks } = replay([
      ev('submitted', '2026-04-24T15:00:00+02:00'),
      ev('routed', '2026-04-24T15:00:00+02:00'),
      ev('accepted', '2026-04-28T10:00:00+02:00'),
      ev('clarification_requested', '2026-04-28T11:00:00+02:00'),
      ev('requester_replied', '2026-04-30T14:00:00+02:00'),
      ev('answered', '2026-05-04T12:00:00+02:00'),
      ev('confirmed', '2026-05-06T10:00:00+02:00'),
    ]);
    expect(clocks.map((c) => [c.kind, c.round, c.measuredDays, c.met])).toEqual([
      ['first_response', 0, 0.375, true],
      ['answer', 0, 2.25, true],
    ]);
    expect(clocks[1].pausedMs).toBe(19 * 3_600_000);
    expect(clocks[0].dueAt?.toISOString()).toBe('2026-04-29T13:00:00.000Z'); // Fri 15:00 + 16 office hours
  });

  it('orders same-instant events by the lifecycle (a submission comes first)', () => {
    const at = '2026-06-01T10:00:00+02:00';
    const { clocks } = replay([ev('accepted', '2026-06-01T11:00:00+02:00'), ev('routed', at), ev('submitted', at)]);
    expect(clocks[0].measuredDays).toBe(0.125);
  });

  it('starts a separate answer clock per reopening and never mixes it into the first', () => {
    const { clocks, events } = replay([
      ev('submitted', '2026-05-13T09:00:00+02:00'),
      ev('accepted', '2026-05-13T13:00:00+02:00'),
      ev('answered', '2026-05-18T11:00:00+02:00'),
      ev('reopened', '2026-05-19T10:00:00+02:00'),
      ev('answered', '2026-05-20T16:00:00+02:00'),
      ev('reopened', '2026-05-21T09:00:00+02:00'),
    ]);
    expect(clocks.map((c) => [c.kind, c.round, c.measuredDays])).toEqual([
      ['first_response', 0, 0.5],
      ['answer', 0, 2.25],
      ['reopen_answer', 1, 1.75],
      ['reopen_answer', 2, null],
    ]);
    expect(events.filter((e) => e.type === 'started')).toHaveLength(4);
  });

  it('counts a referral as response and answer, and cancels clocks on withdrawal', () => {
    const referred = replay([ev('submitted', '2026-05-11T20:00:00+02:00'), ev('referred', '2026-05-12T10:30:00+02:00')]).clocks;
    expect(referred.map((c) => c.measuredDays)).toEqual([0.1875, 0.1875]);
    const withdrawn = replay([ev('submitted', '2026-05-19T09:00:00+02:00'), ev('accepted', '2026-05-19T09:30:00+02:00'), ev('clarification_requested', '2026-05-19T10:00:00+02:00'), ev('withdrawn', '2026-05-20T12:00:00+02:00')]);
    expect(withdrawn.clocks[1]).toMatchObject({ kind: 'answer', cancelled: true, measuredDays: null, met: null, pausedSince: null });
    expect(withdrawn.events.map((e) => e.type)).toEqual(['started', 'started', 'met', 'paused', 'cancelled']);
  });

  it('marks a running clock past its due time as missed, and a paused one has no due time', () => {
    const running = replay([ev('submitted', '2026-05-06T09:00:00+02:00')], '2026-05-22T12:00:00+02:00').clocks;
    expect(running.map((c) => [c.kind, c.met, c.breachedAt?.toISOString()])).toEqual([
      ['first_response', false, '2026-05-07T15:00:00.000Z'],
      ['answer', false, '2026-05-20T15:00:00.000Z'],
    ]);
    expect(running[0].remindAt?.toISOString()).toBe('2026-05-07T11:48:00.000Z'); // 12.8 office hours: Thu 13:48
    const paused = replay([ev('submitted', '2026-06-01T09:00:00+02:00'), ev('accepted', '2026-06-01T10:00:00+02:00'), ev('clarification_requested', '2026-06-01T11:00:00+02:00')]).clocks[1];
    expect(paused).toMatchObject({ dueAt: null, remindAt: null, pausedSince: new Date('2026-06-01T11:00:00+02:00') });
  });

  it('keeps the target of a stopped clock and uses the current policy for running ones', () => {
    const events = [ev('submitted', '2026-06-01T09:00:00+02:00'), ev('accepted', '2026-06-03T12:00:00+02:00')];
    const frozen = new Map([['first_response:0', { priority: 'normal', targetDays: 2 }]]);
    const { clocks } = replay(events, '2026-06-03T13:00:00+02:00', { priority: 'urgent', targets: { firstResponseDays: 1, answerDays: 5, reminderPct: 80 }, frozen });
    expect(clocks.map((c) => [c.kind, c.priority, c.targetDays, c.met])).toEqual([
      ['first_response', 'normal', 2, false],
      ['answer', 'urgent', 5, null],
    ]);
  });

  it('ignores a timeline without its submission', () => {
    expect(foldTimeline([ev('accepted', '2026-06-01T10:00:00+02:00')])).toEqual([]);
  });
});
