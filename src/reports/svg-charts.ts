import { axisTicks } from './charts.js';
import { html, raw } from './html.js';

type Html = ReturnType<typeof html>;

/**
 * Small server-rendered SVG charts for the printable report: no scripts, no fonts, no external
 * sources (the app's CSP forbids them anyway). Every text goes through the escaping `html` helper.
 */
export interface Series {
  label: string;
  value: number | null;
}

const formats = new Map<number, Intl.NumberFormat>();
/** Dutch number (decimal comma, thousands dot), at most `decimals` decimals; '–' for none. */
export const formatNumber = (value: number | null | undefined, suffix = '', decimals = 1): string => {
  if (value === null || value === undefined) return '–';
  let format = formats.get(decimals);
  if (!format) formats.set(decimals, (format = new Intl.NumberFormat('nl-NL', { maximumFractionDigits: decimals })));
  return `${format.format(value)}${suffix}`;
};

const COLORS = ['#154273', '#39870c', '#e17000', '#a90061', '#007bc7', '#673327', '#5c2483', '#b2a600'];

interface AxisChartOptions {
  suffix?: string;
  fixedMax?: number;
  /** Integer ticks only (counts): never 62,5 questions. */
  integer?: boolean;
  width?: number;
  height?: number;
}

/**
 * The frame the bar and line charts share: plot area below `top`, a value scale up to `largest`
 * (or `fixedMax`), horizontal grid lines with tick labels, category labels (slanted when long or
 * many) and the base line.
 */
function axisFrame(options: AxisChartOptions, top: number, labels: string[], largest: number) {
  const width = options.width ?? 680;
  const rotate = labels.length > 12 || labels.some((l) => l.length > 8);
  // Slanted labels get the room they need below the axis and left of the first one, so none is clipped.
  const longest = Math.max(0, ...labels.map((l) => l.length));
  const left = rotate ? Math.max(40, Math.min(160, Math.ceil(longest * 5 * 0.77))) : 40;
  const bottom = rotate ? Math.min(160, 20 + Math.ceil(longest * 5 * 0.65)) : 30;
  const height = (options.height ?? 220) + (rotate ? bottom - 30 : 0);
  const plotW = width - left - 10;
  const plotH = height - top - bottom;
  // Nice ticks (d3-array): 0, 50, 100, … — whole numbers for counts.
  const scale = axisTicks(largest, { integer: options.integer, max: options.fixedMax });
  const max = scale.max;
  const slot = labels.length ? plotW / labels.length : plotW;
  const labelY = top + plotH + 12;
  return {
    width,
    height,
    left,
    plotH,
    max,
    slot,
    /** The y of a value on the scale. */
    yOf: (v: number) => top + plotH - (Math.min(v, max) / max) * plotH,
    grid: scale.ticks.map((tick) => {
      const y = top + plotH - (tick / max) * plotH;
      return html`<line x1="${left}" x2="${width - 10}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#ddd" stroke-width="1"/><text x="${left - 4}" y="${(y + 3).toFixed(1)}" font-size="9" text-anchor="end" fill="#545454">${formatNumber(tick)}</text>`;
    }),
    label: (text: string, cx: string) =>
      rotate
        ? html`<text x="${cx}" y="${labelY}" font-size="9" text-anchor="end" fill="#333" transform="rotate(-40 ${cx} ${labelY})">${text}</text>`
        : html`<text x="${cx}" y="${labelY}" font-size="9" text-anchor="middle" fill="#333">${text}</text>`,
    baseline: html`<line x1="${left}" x2="${width - 10}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333" stroke-width="1"/>`,
  };
}

/** Vertical bars with the value above each bar; `fixedMax` for percentages (100). */
export function barChart(title: string, series: Series[], options: AxisChartOptions = {}): Html {
  const f = axisFrame(options, 24, series.map((s) => s.label), Math.max(0, ...series.map((s) => s.value ?? 0)));
  const barW = Math.max(2, Math.min(48, f.slot * 0.7));
  return html`<svg class="chart" role="img" aria-label="${title}" viewBox="0 0 ${f.width} ${f.height}" width="100%" xmlns="http://www.w3.org/2000/svg">
<title>${title}</title>
${f.grid}
${series.map((s, i) => {
  const x = f.left + i * f.slot + (f.slot - barW) / 2;
  const y = f.yOf(s.value ?? 0);
  const cx = (x + barW / 2).toFixed(1);
  return html`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${(f.yOf(0) - y).toFixed(1)}" fill="${COLORS[0]}"><title>${s.label}: ${formatNumber(s.value, options.suffix ?? '')}</title></rect>
<text x="${cx}" y="${(y - 3).toFixed(1)}" font-size="9" text-anchor="middle" fill="#1b1b1b">${formatNumber(s.value, options.suffix ?? '')}</text>
${f.label(s.label, cx)}`;
})}
${f.baseline}
</svg>`;
}

/** Lines over the same labels (e.g. SLA adherence per month); gaps where a value is null. */
export function lineChart(title: string, labels: string[], lines: { name: string; values: (number | null)[] }[], options: AxisChartOptions = {}): Html {
  const f = axisFrame(options, 28, labels, Math.max(0, ...lines.flatMap((l) => l.values.map((v) => v ?? 0))));
  const xOf = (i: number) => f.left + i * f.slot + f.slot / 2;
  const path = (values: (number | null)[]) => {
    let d = '';
    let pen = false;
    values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${xOf(i).toFixed(1)} ${f.yOf(v).toFixed(1)} `;
      pen = true;
    });
    return d.trim();
  };
  return html`<svg class="chart" role="img" aria-label="${title}" viewBox="0 0 ${f.width} ${f.height}" width="100%" xmlns="http://www.w3.org/2000/svg">
<title>${title}</title>
${f.grid}
${lines.map((line, n) => html`<path d="${path(line.values)}" fill="none" stroke="${COLORS[n % COLORS.length]}" stroke-width="2"/>
${line.values.map((v, i) => (v === null ? '' : html`<circle cx="${xOf(i).toFixed(1)}" cy="${f.yOf(v).toFixed(1)}" r="2.5" fill="${COLORS[n % COLORS.length]}"><title>${line.name}, ${labels[i]}: ${formatNumber(v, options.suffix ?? '')}</title></circle>`))}
<rect x="${f.left + n * 170}" y="6" width="10" height="10" fill="${COLORS[n % COLORS.length]}"/><text x="${f.left + n * 170 + 14}" y="15" font-size="10" fill="#1b1b1b">${line.name}</text>`)}
${labels.map((label, i) => f.label(label, xOf(i).toFixed(1)))}
${f.baseline}
</svg>`;
}

/** A horizontal stacked bar of shares (e.g. ratings 1–5), with a legend. */
export function shareBar(title: string, parts: Series[], width = 680): Html {
  const total = parts.reduce((acc, p) => acc + (p.value ?? 0), 0);
  let x = 0;
  const barW = width - 20;
  return html`<svg class="chart" role="img" aria-label="${title}" viewBox="0 0 ${width} 64" width="100%" xmlns="http://www.w3.org/2000/svg">
<title>${title}</title>
${total === 0
  ? raw('')
  : parts.map((p, i) => {
      const w = ((p.value ?? 0) / total) * barW;
      const out = html`<rect x="${(10 + x).toFixed(1)}" y="4" width="${w.toFixed(1)}" height="24" fill="${COLORS[i % COLORS.length]}"><title>${p.label}: ${formatNumber(p.value)}</title></rect>`;
      x += w;
      return out;
    })}
${parts.map((p, i) => html`<rect x="${10 + i * 130}" y="40" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${24 + i * 130}" y="49" font-size="10" fill="#1b1b1b">${p.label}: ${formatNumber(p.value)}</text>`)}
</svg>`;
}
