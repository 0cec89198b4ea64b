/**
 * HTML for the printable reports (evaluation, quarterly): standalone documents with inline SVG
 * charts (the pages use Nunjucks templates instead). Every interpolated value is escaped unless
 * wrapped in `raw()`.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

class RawHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export const raw = (value: string): RawHtml => new RawHtml(value);

export function html(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    const part = Array.isArray(value)
      ? value.map((v) => (v instanceof RawHtml ? v.value : escapeHtml(v))).join('')
      : value instanceof RawHtml
        ? value.value
        : escapeHtml(value);
    out += part + strings[i + 1];
  });
  return new RawHtml(out);
}

/** What both printable reports share: A4 pages, the brand, headings, tables that scroll in their own region, print rules. */
const REPORT_CSS = `
  @page { size: A4; margin: 16mm 14mm 18mm 14mm; }
  * { box-sizing: border-box; }
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1b1b1b; line-height: 1.45; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; font-size: 11pt; }
  .brand { color: #154273; font-weight: 600; border-bottom: 4px solid #154273; padding-bottom: .3rem; }
  h1 { font-size: 20pt; margin: .6rem 0 .2rem; color: #154273; overflow-wrap: break-word; }
  h2 { font-size: 14pt; color: #154273; border-bottom: 1px solid #ccc; padding-bottom: .15rem; margin-top: 1.6rem; }
  .period { color: #545454; font-size: 9pt; }
  table { width: 100%; border-collapse: collapse; }
  caption { text-align: left; font-weight: 600; padding: .2rem 0; }
  th, td { border-bottom: 1px solid #e2e2e2; text-align: left; vertical-align: top; }
  thead th { border-bottom: 2px solid #154273; }
  .n { text-align: right; white-space: nowrap; }
  .table-scroll { overflow-x: auto; max-width: 100%; margin: .6rem 0; }
  .table-scroll:focus-visible { outline: 3px solid #ffbf47; box-shadow: 0 0 0 6px #1b1b1b; }
  .table-scroll table { margin: 0; }
  .empty { background: #f3f6fa; border-left: 4px solid #154273; padding: .5rem .8rem; }
  svg.chart { display: block; margin: .4rem 0; }
  @media print {
    body { margin: 0; padding: 0; max-width: none; }
    .table-scroll { overflow: visible; }
    .page-break { break-before: page; }
    thead { display: table-header-group; }
    tr { break-inside: avoid; }
  }`;

/** A table with its caption in a region of its own that scrolls sideways (and takes focus) on a narrow screen. */
export function tableRegion(id: string, caption: string, table: RawHtml): RawHtml {
  return html`<div class="table-scroll" role="region" aria-labelledby="${id}" tabindex="0"><table><caption id="${id}">${caption}</caption>${table}</table></div>`;
}

/** A standalone, printable report document in Dutch: the shared styles plus the report's own (`css`). */
export function reportDocument(title: string, body: RawHtml, css: string): string {
  return html`<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Vraagbaak WBS</title>
<style>${raw(REPORT_CSS)}${raw(css)}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`.value;
}
