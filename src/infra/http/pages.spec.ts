import { PageRenderer, prefersHtml, wantsPage } from './pages.js';

describe('prefersHtml', () => {
  it.each([
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['text/html', true],
    ['application/xhtml+xml', true],
    ['application/json', false],
    ['application/problem+json', false],
    ['*/*', false],
    ['', false],
    [undefined, false],
    ['application/json, text/html', true],
    ['application/json, text/html;q=0.5', false],
    ['text/html;q=0.8, application/json;q=0.5', true],
    ['text/html;q=0', false],
    ['text/html;q=abc', false],
  ])('%s → %s', (accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });
});

describe('wantsPage', () => {
  const browser = { accept: 'text/html' };
  it('never for the API, whatever the client accepts', () => {
    expect(wantsPage({ url: '/api/v1/themes', headers: browser })).toBe(false);
    expect(wantsPage({ url: '/api', headers: browser })).toBe(false);
    expect(wantsPage({ url: '/api/docs', headers: browser })).toBe(false);
  });
  it('for pages a browser asks for', () => {
    expect(wantsPage({ url: '/vragen/abc?x=1', headers: browser })).toBe(true);
    expect(wantsPage({ url: '/apiary', headers: browser })).toBe(true);
    expect(wantsPage({ url: '/vragen/abc', headers: { accept: 'application/json' } })).toBe(false);
  });
});

describe('PageRenderer', () => {
  const pages = new PageRenderer(undefined, { 'vraagbaak.css': 'vraagbaak.0123456789.css' });
  it('escapes every value', () => {
    const html = pages.render('error.njk', { status: 404, heading: '<b>kop</b>', advice: 'a & b', path: `/"'<x>`, requestId: 'r', invalidParams: [] });
    expect(html).toContain('&lt;b&gt;kop&lt;/b&gt;');
    expect(html).toContain('a &amp; b');
    expect(html).toContain('/&quot;&#39;&lt;x&gt;');
    expect(html).not.toContain('<b>kop');
  });
});
