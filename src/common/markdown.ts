import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Answers are written in Markdown by staff and shown as HTML to everyone. markdown-it runs with
 * `html: false` (raw HTML in the source is escaped, never passed through) and refuses javascript:,
 * vbscript:, file: and data: links; sanitize-html then enforces an allowlist of elements, attributes
 * and URL schemes on the result, so even a renderer bug cannot let script, event handlers or
 * javascript: URLs through.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 's', 'code', 'pre', 'blockquote',
    'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  allowedAttributes: { a: ['href', 'title'], ol: ['start'], th: ['style'], td: ['style'] },
  allowedStyles: { th: { 'text-align': [/^(?:left|right|center)$/] }, td: { 'text-align': [/^(?:left|right|center)$/] } },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // A top-level heading belongs to the page; answers start at h2.
  transformTags: {
    h1: 'h2',
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
  },
};
// `rel` is added by the transform; allow it only on links.
(SANITIZE_OPTIONS.allowedAttributes as Record<string, string[]>).a.push('rel');

/** Markdown → safe HTML. */
export function renderAnswerHtml(source: string): string {
  return sanitizeHtml(markdown.render(String(source ?? '')), SANITIZE_OPTIONS).trim();
}

/** Markdown → plain text (for indexing and snippets): the rendered HTML without any markup. */
export function answerPlainText(html: string): string {
  return sanitizeHtml(html.replace(/<\/(p|li|h\d|pre|blockquote|tr)>/g, '$&\n').replace(/<br\s*\/?>/g, '\n'), {
    allowedTags: [],
    allowedAttributes: {},
  })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}
