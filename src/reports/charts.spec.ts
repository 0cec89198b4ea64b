import { axisTicks, horizontalBarChart } from './charts.js';

describe('charts', () => {
  it('gives counts nice whole-number ticks, never 62,5', () => {
    expect(axisTicks(250, { integer: true })).toEqual({ max: 250, ticks: [0, 50, 100, 150, 200, 250] });
    expect(axisTicks(3, { integer: true }).ticks.every(Number.isInteger)).toBe(true);
    expect(axisTicks(1, { integer: true }).ticks).toEqual([0, 1]);
    expect(axisTicks(0, { integer: true }).max).toBeGreaterThan(0);
    expect(axisTicks(73, { integer: true })).toEqual({ max: 80, ticks: [0, 20, 40, 60, 80] });
    expect(axisTicks(42, { max: 100 }).ticks).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it('escapes every label and value text', () => {
    const svg = horizontalBarChart('<b>titel</b>', [{ label: '<script>x</script>', values: [{ value: 3, text: '< 5' }] }], { integer: true }).toString();
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(svg).toContain('&lt; 5');
    expect(svg).toContain('aria-label="&lt;b&gt;titel&lt;/b&gt;"');
  });
});
