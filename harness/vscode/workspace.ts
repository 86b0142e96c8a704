// The workspace the scenarios open. Its images are rendered by the browser itself, so the text of
// the "screenshot" is known exactly and no binary fixture needs to live in the repository.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

/** The lines of screenshot.png, top to bottom, which OCR must find. */
export const SCREENSHOT_LINES = ['Build failed with 3 errors', 'Run npm install to fix it', 'Open Settings', 'Cancel'];

export const FILES = {
  screenshot: 'screenshot.png',
  diagram: 'diagram.png',
  corrupt: 'corrupt.png',
  bmp: 'photo.bmp',
  markdown: 'notes.md',
  remoteMarkdown: 'links.md',
} as const;

/** A Markdown file with a remote image link (never fetched) above a local one. */
export const REMOTE_IMAGE_URL = 'https://example.org/logo.png';
export const REMOTE_MARKDOWN = `# Links\n\n![logo](${REMOTE_IMAGE_URL})\n\n![](${FILES.diagram})\n`;

/** The Markdown file's image link, before any alt text is inserted. */
export const MARKDOWN_IMAGE_LINK = `![](${FILES.diagram})`;
export const MARKDOWN = `# Pipeline\n\nHow an image becomes an answer:\n\n${MARKDOWN_IMAGE_LINK}\n`;

const SCREENSHOT_HTML = `
<body style="margin:0;background:#f3f3f3;font:22px 'DejaVu Sans',sans-serif;color:#1e1e1e">
  <div style="margin:40px;padding:28px 36px;background:#fff;border:1px solid #c8c8c8;width:520px">
    <div style="font-weight:bold;color:#b00020">${SCREENSHOT_LINES[0]}</div>
    <div style="margin-top:18px">${SCREENSHOT_LINES[1]}</div>
    <div style="margin-top:36px;padding:8px 16px;background:#0e639c;color:#fff;width:max-content">${SCREENSHOT_LINES[2]}</div>
    <div style="margin-top:18px;padding:8px 16px;border:1px solid #888;width:max-content">${SCREENSHOT_LINES[3]}</div>
  </div>
</body>`;

const box = (x: number, label: string) =>
  `<rect x="${x}" y="60" width="150" height="70" rx="8" fill="#e8f0fe" stroke="#1a73e8" stroke-width="3"/>` +
  `<text x="${x + 75}" y="102" text-anchor="middle" font-size="22">${label}</text>`;
const arrow = (x: number) =>
  `<line x1="${x}" y1="95" x2="${x + 44}" y2="95" stroke="#333" stroke-width="3" marker-end="url(#head)"/>`;

const DIAGRAM_HTML = `
<body style="margin:0;background:#fff;font-family:'DejaVu Sans',sans-serif">
  <svg width="640" height="190" xmlns="http://www.w3.org/2000/svg">
    <defs><marker id="head" markerWidth="10" markerHeight="10" refX="8" refY="5" orient="auto">
      <path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>
    ${box(10, 'Image')}${arrow(165)}${box(220, 'Vision')}${arrow(375)}${box(430, 'Decoder')}
  </svg>
</body>`;

async function renderPng(context: BrowserContext, html: string, width: number, height: number): Promise<Buffer> {
  const page = await context.newPage();
  try {
    await page.setViewportSize({ width, height });
    await page.setContent(html);
    return await page.screenshot({ type: 'png' });
  } finally {
    await page.close();
  }
}

/** Writes the workspace folder and returns the bytes of its images for paste and drop. */
export async function createWorkspace(
  context: BrowserContext,
  dir: string,
): Promise<Record<'screenshot' | 'diagram', Buffer>> {
  mkdirSync(dir, { recursive: true });
  const screenshot = await renderPng(context, SCREENSHOT_HTML, 640, 360);
  const diagram = await renderPng(context, DIAGRAM_HTML, 640, 190);
  writeFileSync(join(dir, FILES.screenshot), screenshot);
  writeFileSync(join(dir, FILES.diagram), diagram);
  // A PNG signature followed by garbage: looks like an image by name and magic, fails to decode.
  writeFileSync(join(dir, FILES.corrupt), Buffer.concat([screenshot.subarray(0, 16), Buffer.alloc(512, 0x5a)]));
  // "BM" and a BITMAPINFOHEADER size: a BMP by its bytes, which the extension does not offer to read.
  writeFileSync(
    join(dir, FILES.bmp),
    Buffer.concat([Buffer.from('BM'), Buffer.alloc(12), Buffer.from([40, 0, 0, 0]), Buffer.alloc(40)]),
  );
  writeFileSync(join(dir, FILES.markdown), MARKDOWN);
  writeFileSync(join(dir, FILES.remoteMarkdown), REMOTE_MARKDOWN);
  return { screenshot, diagram };
}
