import { nice, ticks } from 'd3-array';
import { html, raw } from './html.js';

type Html = ReturnType<typeof html>;

/**
 * Accessible server-rendered SVG charts for the pages and the reports: horizontal bars, so long
 * labels sit on their own line above the bars instead of being slanted and clipped, nice axis
 * ticks (d3-array's `nice`/`ticks`: 0, 5, 10, … — integers for counts) and only text colours
 * with at least 4.5:1 contrast on white. Every value shown in a chart is also in a table beside
 * it; the chart itself is one `role="img"` with a title. All text goes through the escaping
 * `html` helper.
 */

/** Colours for up to four series, each ≥ 3:1 against white (WCAG 1.4.11 non-text contrast). */
export const SERIES_COLORS = ['#154273', '#39870c', '#b35900', '#a90061'];
const TEXT = '#1b1b1b';
const MUTED = '#545454';
const GRID = '#c8c8c8';

export interface BarValue {
  /** The value to draw, or null for none (no bar). */
  value: number | null;
  /** The text printed at the end of the bar (e.g. "12", "< 5", "83 %"). */
  text: string;
}

export interface BarGroup {
  label: string;
  values: BarValue[];
}

export interface BarChartOptions {
  /** One name per value of a group (the legend); one series needs no legend. */
  series?: string[];
  /** Integer ticks only (counts). */
  integer?: boolean;
  /** Fixed upper end of the scale (100 for percentages). */
  max?: number;
  /** Suffix of the tick labels (" %"). */
  suffix?: string;
  width?: number;
}

const formats = new Map<number, Intl.NumberFormat>();
/** A Dutch number: decimal comma, thousands dot, at most `decimals` decimals. */
export function dutchNumber(value: number, decimals = 1): string {
  let format = formats.get(decimals);
  if (!format) formats.set(decimals, (format = new Intl.NumberFormat('nl-NL', { maximumFractionDigits: decimals })));
  return format.format(value);
}

/** The scale of an axis from 0 to at least `largest`: nice end and ticks, integer steps for counts. */
export function axisTicks(largest: number, options: { integer?: boolean; max?: number; count?: number } = {}): { max: number; ticks: number[] } {
  const count = options.count ?? 5;
  if (options.max !== undefined) return { max: options.max, ticks: ticks(0, options.max, count) };
  let top = Math.max(largest, options.integer ? 1 : 0) || 1;
  [, top] = nice(0, top, count);
  let list = ticks(0, top, count);
  if (options.integer) {
    list = list.filter((t) => Number.isInteger(t));
    if (list.length < 2) list = [0, Math.ceil(top)];
    top = Math.max(top, list[list.length - 1]);
  }
  return { max: top, ticks: list };
}

/**
 * Horizontal grouped bars: per group a label line and one bar per series, the value's text at the
 * end of each bar, a value axis with nice ticks at the bottom and a legend on top.
 */
export function horizontalBarChart(title: string, groups: BarGroup[], options: BarChartOptions = {}): Html {
  const width = options.width ?? 640;
  const series = options.series ?? [];
  const perGroup = Math.max(1, ...groups.map((g) => g.values.length));
  const left = 8;
  const right = 56; // room for the value text after the longest bar
  const barH = 12;
  const gap = 3;
  const labelH = 16;
  const groupH = labelH + perGroup * (barH + gap) + 8;
  const legendH = series.length > 1 ? 24 : 0;
  const top = legendH + 4;
  const axisH = 24;
  const height = top + groups.length * groupH + axisH;
  const largest = Math.max(0, ...groups.flatMap((g) => g.values.map((v) => v.value ?? 0)));
  const scale = axisTicks(largest, { integer: options.integer, max: options.max });
  const plotW = width - left - right;
  const xOf = (v: number) => left + (Math.min(v, scale.max) / scale.max) * plotW;
  const axisY = top + groups.length * groupH;
  const suffix = options.suffix ?? '';
  const legend =
    series.length > 1
      ? series.map((name, i) => html`<rect x="${left + i * 150}" y="6" width="12" height="12" fill="${SERIES_COLORS[i % SERIES_COLORS.length]}"/><text x="${left + i * 150 + 17}" y="16" font-size="12" fill="${TEXT}">${name}</text>`)
      : raw('');
  const grid = scale.ticks.map((t) => {
    const x = xOf(t).toFixed(1);
    return html`<line x1="${x}" x2="${x}" y1="${top}" y2="${axisY}" stroke="${GRID}" stroke-width="1"/><text x="${x}" y="${axisY + 16}" font-size="11" text-anchor="middle" fill="${MUTED}">${dutchNumber(t)}${suffix}</text>`;
  });
  const bars = groups.map((g, gi) => {
    const y0 = top + gi * groupH;
    return html`<text x="${left}" y="${y0 + 12}" font-size="12" font-weight="bold" fill="${TEXT}">${g.label}</text>
${g.values.map((v, i) => {
  const y = y0 + labelH + i * (barH + gap);
  const w = v.value === null ? 0 : Math.max(v.value > 0 ? 1 : 0, xOf(v.value) - left);
  const name = series[i] ? `${series[i]}: ` : '';
  return html`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${SERIES_COLORS[i % SERIES_COLORS.length]}"><title>${g.label}, ${name}${v.text}</title></rect><text x="${(left + w + 4).toFixed(1)}" y="${y + barH - 2}" font-size="11" fill="${TEXT}">${v.text}</text>`;
})}`;
  });
  return html`<svg class="chart" role="img" aria-label="${title}" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">
<title>${title}</title>
${legend}
${grid}
${bars}
<line x1="${left}" x2="${left}" y1="${top}" y2="${axisY}" stroke="${TEXT}" stroke-width="1"/>
</svg>`;
}
