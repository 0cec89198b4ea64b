import { answerPlainText, renderAnswerHtml } from './markdown.js';

const EXECUTABLE = /<script|<iframe|<object|<embed|<svg|<img|<style|\son\w+\s*=|javascript:|vbscript:|data:text/i;

describe('renderAnswerHtml', () => {
  it('renders ordinary Markdown', () => {
    const html = renderAnswerHtml('# Kop\n\nDit is **vet** en *schuin*.\n\n- een\n- twee\n\n[WBS](https://www.rijksoverheid.nl/wbs)');
    expect(html).toContain('<h2>Kop</h2>');
    expect(html).toContain('<strong>vet</strong>');
    expect(html).toContain('<li>een</li>');
    expect(html).toContain('<a href="https://www.rijksoverheid.nl/wbs" rel="noopener noreferrer nofollow">WBS</a>');
  });

  it.each([
    ['<script>alert(1)</script>'],
    ['<img src=x onerror=alert(1)>'],
    ['[klik](javascript:alert(1))'],
    ['[klik](JaVaScRiPt:alert(1))'],
    ['[klik](java\tscript:alert(1))'],
    ['[klik](vbscript:msgbox(1))'],
    ['[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['<a href="javascript:alert(1)">x</a>'],
    ['<svg onload=alert(1)>'],
    ['![x](javascript:alert(1))'],
    ['<iframe src="https://evil.example"></iframe>'],
    ['<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>'],
    ['[x](https://example.nl "\\" onmouseover=\\"alert(1)")'],
    ['<<script>script>alert(1)<</script>/script>'],
  ])('never lets %j through as executable HTML', (source) => {
    const html = renderAnswerHtml(source);
    // Escaped text (&lt;script&gt;) is harmless; only live markup counts.
    expect(html.replace(/&lt;|&gt;|&quot;|&amp;/g, '_')).not.toMatch(/<(?!\/?(p|br|hr|h[2-6]|strong|em|s|code|pre|blockquote|ul|ol|li|a|table|thead|tbody|tr|th|td)\b)/);
    expect(html).not.toMatch(/<a [^>]*href="(?!https?:|mailto:)/);
    // Attribute names outside quoted values: never an event handler.
    const tags = (html.match(/<[^>]+>/g) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""'));
    for (const tag of tags) expect(tag).not.toMatch(/\son\w+\s*=/i);
    expect(tags.join('')).not.toMatch(EXECUTABLE);
  });

  it('strips raw HTML to text instead of passing it through', () => {
    expect(renderAnswerHtml('a <b>b</b> c')).toBe('<p>a &lt;b&gt;b&lt;/b&gt; c</p>');
  });
});

describe('answerPlainText', () => {
  it('gives the text without markup, one line per block', () => {
    expect(answerPlainText(renderAnswerHtml('## Kop\n\nEen **vet** woord & meer.\n\n- punt'))).toBe('Kop\nEen vet woord & meer.\npunt');
  });
});
