import { JobLatency, backlogIsFull } from './job-latency.js';

describe('JobLatency', () => {
  let now = 0;
  const latency = () => new JobLatency(() => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('is 0 before any job finished', () => {
    expect(latency().current()).toBe(0);
  });

  it('starts at the first job and then moves a tenth of the way to each new one', () => {
    const l = latency();
    l.record(now - 400);
    expect(l.current()).toBe(400);
    l.record(now - 1400);
    expect(l.current()).toBeCloseTo(500);
    l.record(now - 0);
    expect(l.current()).toBeCloseTo(450);
  });

  it('counts a job that finished before it was due as 0', () => {
    const l = latency();
    l.record(now + 500);
    expect(l.current()).toBe(0);
  });

  it('forgets the average when no job finished for two seconds, and starts over', () => {
    const l = latency();
    l.record(now - 3000);
    now += 2000;
    expect(l.current()).toBe(3000);
    now += 1;
    expect(l.current()).toBe(0);
    l.record(now - 100);
    expect(l.current()).toBe(100);
  });
});

describe('backlogIsFull', () => {
  const slow = new JobLatency(() => 10_000);
  slow.record(9_000); // 1,000 ms

  it('is never full while nothing waits', () => {
    expect(backlogIsFull(0, { backlogLimit: 1, latencyTargetMs: 1 }, slow)).toBe(false);
  });

  it('is full at the backlog limit, whatever the latency', () => {
    expect(backlogIsFull(3, { backlogLimit: 3, latencyTargetMs: 0 }, undefined)).toBe(true);
    expect(backlogIsFull(2, { backlogLimit: 3, latencyTargetMs: 0 }, slow)).toBe(false);
  });

  it('is full while jobs wait and lately took longer than the target; not without a measurement', () => {
    expect(backlogIsFull(1, { backlogLimit: 0, latencyTargetMs: 999 }, slow)).toBe(true);
    expect(backlogIsFull(1, { backlogLimit: 0, latencyTargetMs: 1000 }, slow)).toBe(false);
    expect(backlogIsFull(1, { backlogLimit: 0, latencyTargetMs: 0 }, slow)).toBe(false);
    expect(backlogIsFull(1, { backlogLimit: 0, latencyTargetMs: 1 }, undefined)).toBe(false);
  });
});
