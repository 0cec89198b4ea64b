/** HTML escaping for server-rendered pages: every interpolated value is escaped unless wrapped in `raw()`. */
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

/** A complete Dutch page with the shared, script-free layout. */
export function page(title: string, body: RawHtml): string {
  return html`<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Vraagbaak WBS</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #1b1b1b; line-height: 1.5; }
  header { border-bottom: 4px solid #154273; margin-bottom: 1.5rem; padding-bottom: .5rem; font-weight: 600; color: #154273; }
  button { background: #154273; color: #fff; border: 0; padding: .7rem 1.4rem; font-size: 1rem; border-radius: 4px; cursor: pointer; }
  input { font-size: 1.2rem; padding: .4rem; width: 10rem; letter-spacing: .2em; }
  label { display: block; margin: 1rem 0 .3rem; }
  .muted { color: #555; font-size: .9rem; }
  code { background: #f2f2f2; padding: .1rem .3rem; }
  .error { background: #fde8e8; border-left: 4px solid #c00; padding: .5rem 1rem; }
</style>
</head>
<body>
<header>Vraagbaak · Taskforce Water en Bodem Sturend</header>
<main>${body}</main>
</body>
</html>`.value;
}
