// The built panel (dist/webview.js) in headless Chromium under the real Content-Security-Policy:
// what the user does in it becomes the right message to the extension.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import type { PanelState, ToWebview } from '../../src/common/panel-protocol.ts';
import { panelHtml } from '../../src/extension/panel-html.ts';
import { hasProgram, requireOrSkip } from '../../harness/requirements.ts';

const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
const NONCE = 'panelPageTestNonce0123';

/** The panel page as VS Code serves it, plus a stand-in for the webview API that records posted messages. */
function writePage(dir: string): string {
  copyFileSync(join('dist', 'webview.js'), join(dir, 'webview.js'));
  copyFileSync(join('media', 'panel.css'), join(dir, 'panel.css'));
  const api = `<script nonce="${NONCE}">
    window.sent = [];
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.sent.push(m), getState: () => undefined, setState: () => {} });
  </script>`;
  const html = panelHtml({ cspSource: "'self'", nonce: NONCE, scriptUri: 'webview.js', styleUri: 'panel.css' }).replace(
    '<body>',
    `<body>${api}`,
  );
  writeFileSync(join(dir, 'index.html'), html);
  return join(dir, 'index.html');
}

type Sent = { type: string } & Record<string, unknown>;
const sent = (page: Page) => page.evaluate(() => (window as unknown as { sent: Sent[] }).sent.splice(0));
const post = (page: Page, message: ToWebview) => page.evaluate((m) => window.postMessage(m, '*'), message);

async function nextMessages(page: Page, count = 1): Promise<Sent[]> {
  await page.waitForFunction((n) => (window as unknown as { sent: unknown[] }).sent.length >= n, count, {
    timeout: 5000,
  });
  return sent(page);
}

const png = readFileSync(join('media', 'samples', 'diagram.png')).toString('base64');
const state = (extra: Partial<PanelState> = {}): PanelState => ({
  imageName: 'diagram.png',
  imageSize: { width: 900, height: 480 },
  grid: { rows: 1, cols: 2, tileSize: 448, views: 3 },
  turns: [],
  busy: false,
  ocr: { status: 'idle' },
  ocrEnabled: true,
  ...extra,
});

test('the built panel, driven in Chromium, sends the extension what the user did', { timeout: 120_000 }, async (t) => {
  if (!requireOrSkip(t, hasProgram(CHROMIUM), `Chromium at ${CHROMIUM}`)) return;
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'infimm-panel-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--allow-file-access-from-files'],
  });
  t.after(async () => {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : undefined));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`file://${writePage(dir)}`);

  assert.deepEqual(await nextMessages(page), [{ type: 'ready' }]);
  await post(page, { type: 'image', image: { name: 'diagram.png', dataUrl: `data:image/png;base64,${png}` } });
  await post(page, { type: 'state', state: state() });
  await page.locator('#image-view[alt="diagram.png"]').waitFor();
  assert.deepEqual(
    await page.locator('#image-view').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]),
    [900, 480],
  );
  assert.equal(await page.locator('#tile-grid .tile').count(), 2);
  assert.ok(await page.locator('#tile-grid .tile').first().isVisible());

  // Typing and Enter asks; a preset asks its question; Shift+Enter only adds a line.
  await page.locator('#question-input').fill('What is this?');
  await page.locator('#question-input').press('Shift+Enter');
  assert.deepEqual(await sent(page), []);
  await page.locator('#question-input').press('Enter');
  assert.deepEqual(await nextMessages(page), [{ type: 'ask', question: 'What is this?\n' }]);
  await page.locator('[data-preset="describe-diagram"]').click();
  const [preset] = await nextMessages(page);
  assert.equal(preset?.preset, 'describe-diagram');

  // While an answer streams: deltas show up, Escape cancels, and the answer's buttons work.
  const turn = { id: 't1', question: 'Describe', answer: '', status: 'waiting' as const };
  await post(page, { type: 'state', state: state({ busy: true, turns: [turn] }) });
  await post(page, {
    type: 'answerDelta',
    turnId: 't1',
    text: 'See [docs](https://example.org/d) and\n\n```sh\nnpm test\n```\n',
  });
  await page.locator('.turn .answer-text a').waitFor();
  await page.keyboard.press('Escape');
  assert.deepEqual(await nextMessages(page), [{ type: 'cancel' }]);
  await page.locator('#cancel-button').click();
  assert.deepEqual(await nextMessages(page), [{ type: 'cancel' }]);
  await page.locator('.turn .answer-text a').click();
  assert.deepEqual(await nextMessages(page), [{ type: 'openLink', href: 'https://example.org/d' }]);
  await page.locator('.code-block [data-action="insert-code"]').click();
  assert.deepEqual(await nextMessages(page), [{ type: 'insertAtCursor', text: 'npm test\n' }]);

  // A burst of deltas is drawn once per frame, not once per delta, and nothing of it is lost.
  const burst = await page.evaluate(async () => {
    const body = document.querySelector('.turn .answer-text')!;
    let draws = 0;
    new MutationObserver((records) => (draws += records.length)).observe(body, { childList: true });
    for (let i = 0; i < 300; i++)
      window.dispatchEvent(
        new MessageEvent('message', { data: { type: 'answerDelta', turnId: 't1', text: ` w${i}` } }),
      );
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    return { draws, text: body.textContent ?? '' };
  });
  assert.ok(burst.draws <= 2, `300 deltas in one task were drawn ${burst.draws} times`);
  assert.ok(burst.text.trimEnd().endsWith(' w298 w299'), `the burst's end is missing: …${burst.text.slice(-40)}`);

  // The OCR tab asks for OCR once, when it has an image and OCR has not run.
  await post(page, { type: 'state', state: state() });
  await page.locator('#tab-ocr').click();
  assert.deepEqual(await nextMessages(page), [{ type: 'runOcr' }]);

  // Paste and drop: text outside the question box and non-image files are refused, images travel as data: URLs.
  const dispatch = (kind: 'paste' | 'drop', files: { name: string; type: string; base64: string }[], text?: string) =>
    page.evaluate(
      ({ kind, files, text }) => {
        const data = new DataTransfer();
        for (const f of files)
          data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
        if (text !== undefined) data.setData('text/plain', text);
        const target = document.getElementById('drop-zone')!;
        const event =
          kind === 'paste'
            ? new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })
            : new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true });
        target.dispatchEvent(event);
      },
      { kind, files, text },
    );
  await dispatch('paste', [], 'just text');
  const [rejectedText] = await nextMessages(page);
  assert.equal(rejectedText?.type, 'inputRejected');
  assert.match(String(rejectedText?.message), /text, not an image/);
  await dispatch('drop', [{ name: 'notes.pdf', type: 'application/pdf', base64: 'JVBERg==' }]);
  const [rejectedFile] = await nextMessages(page);
  assert.match(String(rejectedFile?.message), /notes\.pdf is not an image/);
  await dispatch('paste', [{ name: 'image.png', type: 'image/png', base64: png }]);
  const [pasted] = await nextMessages(page);
  assert.equal(pasted?.type, 'imageDropped');
  assert.equal(pasted?.name, 'pasted image');
  assert.equal(pasted?.dataUrl, `data:image/png;base64,${png}`);

  assert.deepEqual(problems, [], 'no script errors and no Content-Security-Policy violations');
});
