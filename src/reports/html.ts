/**
 * HTML escaping for the evaluation report, a standalone document with inline SVG charts (the
 * pages use Nunjucks templates instead): every interpolated value is escaped unless wrapped in `raw()`.
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
