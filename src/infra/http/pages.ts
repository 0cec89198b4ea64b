import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyView from '@fastify/view';
import type { FastifyRequest } from 'fastify';
import nunjucks from 'nunjucks';
import { appPath } from '../app-root.js';

export const PAGES_DIR = appPath('templates', 'pages');
/** The pages' stylesheet and scripts as `npm run build` wrote them (scripts/build-assets.mjs), served at ASSETS_PREFIX. */
export const ASSETS_DIR = appPath('dist', 'public');
export const ASSETS_MANIFEST = appPath('dist', 'assets-manifest.json');
export const ASSETS_PREFIX = '/assets/';

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

/**
 * Server-rendered pages: Nunjucks templates in `templates/pages/` — one layout (`layout.njk`),
 * components as macros (`components.njk`), a template per page — with every `{{ value }}`
 * HTML-escaped. Controllers render through @fastify/view (`await reply.view('start.njk', data)`),
 * which this class hands its own environment; error pages render synchronously here, because an
 * exception filter answers at once. Every template is compiled at startup, so a syntax error
 * stops the boot instead of the first visitor.
 */
export class PageRenderer {
  private readonly env: nunjucks.Environment;

  constructor(directory = PAGES_DIR, assets: Record<string, string> = readAssetManifest()) {
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader(directory), {
      autoescape: true,
      throwOnUndefined: false,
      trimBlocks: true,
      lstripBlocks: true,
    });
    // `{{ asset("vraagbaak.css") }}` → the hashed file's address; a name that was not built fails the render.
    this.env.addGlobal('asset', (name: string) => {
      const file = assets[name];
      if (!file) throw new Error(`Unknown asset "${name}": is it in public/ and was \`npm run build\` run?`);
      return ASSETS_PREFIX + file;
    });
    for (const file of readdirSync(directory)) {
      if (file.endsWith('.njk')) this.env.getTemplate(file, true);
    }
  }

  render(template: string, data: object = {}): string {
    return this.env.render(template, data);
  }

  /** The `engine` for @fastify/view, which "configures" Nunjucks by taking this environment. */
  viewEngine(): { configure: () => nunjucks.Environment } {
    return { configure: () => this.env };
  }
}

/** `reply.view(template, data)` for page controllers, and the static files the pages link to. */
export async function registerPages(app: NestFastifyApplication, pages: PageRenderer): Promise<void> {
  await app.register(fastifyView, { engine: { nunjucks: pages.viewEngine() }, templates: PAGES_DIR });
  app.useStaticAssets({
    root: ASSETS_DIR,
    prefix: ASSETS_PREFIX,
    decorateReply: false,
    index: false,
    // The .br/.gz twins written at build time, for clients that accept them.
    preCompressed: true,
    // Every asset's name carries its content hash, so a browser may keep it for a year without asking again.
    maxAge: '365d',
    immutable: true,
  });
}

/** The build's map from the names templates use to the hashed file names. */
export function readAssetManifest(file = ASSETS_MANIFEST): Record<string, string> {
  if (!existsSync(file)) throw new Error(`The pages' assets are missing (${file}): run \`npm run build\` first.`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

/**
 * Whether an answer should be a page rather than problem+json: never under `/api/`, and
 * elsewhere when the client prefers HTML to JSON (a browser; not curl's `*∕*`, not an API client).
 */
export function wantsPage(request: Pick<FastifyRequest, 'url' | 'headers'>): boolean {
  return !isApiPath(request.url) && prefersHtml(request.headers.accept);
}

/** Whether a request URL is the versioned API's (`/api`, `/api/…`), which never answers with a page. */
export function isApiPath(url: string): boolean {
  const path = url.split('?')[0];
  return path === '/api' || path.startsWith('/api/');
}

/** `Accept` negotiation between HTML and JSON: HTML wins only when listed with a quality at least JSON's. */
export function prefersHtml(accept: string | string[] | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const range of ([] as string[]).concat(accept).join(',').split(',')) {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (type === 'text/html' || type === 'application/xhtml+xml') html = Math.max(html, q);
    else if (type === 'application/json' || type.endsWith('+json')) json = Math.max(json, q);
  }
  return html > 0 && html >= json;
}
