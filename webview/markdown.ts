// Renders the model's answer as Markdown that cannot run anything: markdown-it with raw HTML off
// (tags come out as text), links limited to http(s)/mailto, and images never loaded.
import MarkdownIt from 'markdown-it';
import { buttonHtml } from './toolkit.ts';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

// markdown-it's own check allows data:image links and relative URLs; answers need neither.
md.validateLink = (url) => /^(https?:|mailto:)/i.test(url.trim());

const escapeHtml = md.utils.escapeHtml;

// Answers come from a model: an image URL in one is at best a guess and at worst a tracking pixel.
md.renderer.rules.image = (tokens, index) => {
  const token = tokens[index];
  const alt = token?.children?.map((child) => child.content).join('') ?? '';
  return `<span class="image-omitted" title="Images in answers are not loaded">[image${alt === '' ? '' : `: ${escapeHtml(alt)}`}]</span>`;
};

// Code blocks get Copy and Insert at Cursor; main.ts handles their clicks.
md.renderer.rules.fence = (tokens, index) => {
  const token = tokens[index];
  const language = token?.info.trim().split(/\s+/)[0] ?? '';
  const code = token?.content ?? '';
  const languageAttr = language === '' ? '' : ` data-language="${escapeHtml(language)}"`;
  return (
    `<div class="code-block"${languageAttr}>` +
    `<div class="code-actions">${buttonHtml({ label: 'Copy', secondary: true, data: { action: 'copy-code' } })}` +
    `${buttonHtml({ label: 'Insert at Cursor', secondary: true, data: { action: 'insert-code' } })}</div>` +
    `<pre><code>${escapeHtml(code)}</code></pre></div>\n`
  );
};

export function renderMarkdown(text: string): string {
  return md.render(text);
}
