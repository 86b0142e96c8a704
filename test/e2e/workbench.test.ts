// The extension in a real VS Code (code-server) driven through a headless Chromium, as a user
// would: Explorer menus, the command palette, CodeLens, the panel's buttons, paste and drop.
// Screenshots of every scenario go to .test-output/e2e/screenshots/.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { tinyCheckpoint, tinyPackage } from '../../harness/tiny-models.ts';
import { textContrast } from '../../harness/vscode/panel.ts';
import { processesInSession } from './support/processes.ts';
import type { Session } from '../../harness/vscode/session.ts';
import { e2eSuite } from './support/suite.ts';
import {
  FILES,
  MARKDOWN,
  MARKDOWN_IMAGE_LINK,
  REMOTE_IMAGE_URL,
  SCREENSHOT_LINES,
} from '../../harness/vscode/workspace.ts';

/**
 * The model is random, so its answers are gibberish, but every stage runs for real. "nano" has
 * room for answers long enough (seconds) to cancel or kill reliably on a busy machine.
 */
const MODEL = { preset: 'nano' } as const;
/** A short answer keeps the scenarios quick; the long one still fits, with the prompt, in nano's 2048 positions. */
const SHORT_ANSWER_TOKENS = 24;
const LONG_ANSWER_TOKENS = 1500;
/** The compact line under an answer (time and provider); its full line, on demand, has the speed. */
const STATS = /^\d+\.\d s · \S+/;

/** Saves the Markdown file from its editor and returns the alt text of its image link on disk. */
async function savedAltText(s: Session): Promise<string> {
  await s.workbench.openFile(FILES.markdown);
  await s.workbench.page.keyboard.press('Control+S');
  const path = join(s.workspace, FILES.markdown);
  const deadline = Date.now() + 30_000;
  const link = /!\[([^\]]*)\]\(diagram\.png\)/;
  // The save writes the file anew: it can be read empty (or half written) between the truncation and the write.
  let text = readFileSync(path, 'utf8');
  while ((text === MARKDOWN || !link.test(text)) && Date.now() < deadline) {
    await sleep(200);
    text = readFileSync(path, 'utf8');
  }
  const found = link.exec(text);
  assert.ok(found, `the image link is gone from ${FILES.markdown}:\n${text}`);
  return found[1] ?? '';
}

/** Alt text is the answer on one line with Markdown escapes: compare only letters and digits of any script. */
const words = (text: string) => text.replace(/[\s\p{P}\p{S}]/gu, '');

/** What OCR reads is compared without case, spaces or punctuation. */
const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

describe('InfiMM-HD in VS Code (code-server, headless Chromium)', () => {
  const { scenario } = e2eSuite({
    settings: async () => ({
      'infimmHd.modelPath': await tinyPackage(MODEL),
      'infimmHd.maxNewTokens': SHORT_ANSWER_TOKENS,
      'workbench.colorTheme': 'Default Light Modern',
    }),
    globalTimeoutMs: 25 * 60_000,
    scenarioTimeoutMs: 3 * 60_000,
  });

  scenario('Explorer context menu: a preset question streams its answer and the stats line', async (s) => {
    await s.workbench.explorerContextCommand(FILES.diagram, 'infimmHd.askAboutImage');
    await s.panel.waitForImage(FILES.diagram);
    assert.deepEqual(await s.panel.imageSize(), { width: 640, height: 190 });
    // The overlay draws one .tile per tile of the grid the note's summary announces.
    const gridNote = s.panel.frame.locator('#grid-summary', { hasText: /\d+×\d+ tile/ });
    await gridNote.waitFor({ timeout: 60_000 });
    const note = /(\d+)×(\d+) tile/.exec(await gridNote.innerText());
    assert.ok(note, 'the grid note names no grid');
    const tiles = Number(note[1]) * Number(note[2]);
    await s.panel.frame
      .locator('#tile-grid .tile')
      .nth(tiles - 1)
      .waitFor({ state: 'attached' });
    assert.equal(await s.panel.frame.locator('#tile-grid .tile').count(), tiles);

    const texts = await s.panel.recordAnswerTexts();
    await s.panel.askPreset('describe');
    assert.equal(await s.panel.waitForTurnEnd(), 'done');
    const seen = await texts();
    assert.ok(seen.length >= 2, `the answer arrived in ${seen.length} piece(s); it should stream`);
    assert.match(await s.panel.lastTurn.locator('.stats').innerText(), STATS);
    assert.match((await s.panel.lastTurn.locator('.stats .stats-detail').textContent()) ?? '', /tokens\/s/);
    assert.equal(
      await s.panel.frame.locator('#grid-warning').isVisible(),
      false,
      'a 640×190 diagram is no cause for a warning',
    );
    assert.notEqual((await s.panel.lastTurn.locator('.answer-text').innerText()).trim(), '');
    // The header names the model from its package: the tiny test model's manifest names no card.
    assert.match(
      await s.panel.frame.locator('#model-summary').innerText(),
      /^InfiMM-HD · [\d.]+[KM]? parameters · [\d.]+ MB · fp32 · on cpu$/,
    );
    assert.equal(await s.panel.frame.locator('#model-card').isVisible(), false);
    await s.screenshot('01-explorer-ask-answer');
  });

  scenario('OCR tab: lists the lines of a screenshot and draws their boxes', async (s) => {
    await s.workbench.explorerContextCommand(FILES.screenshot, 'infimmHd.askAboutImage');
    await s.panel.waitForImage(FILES.screenshot);
    await s.panel.frame.locator('#tab-ocr').click();
    const lines = s.panel.frame.locator('#ocr-lines .ocr-line');
    await lines.first().waitFor({ timeout: 120_000 });
    const read = (await lines.allInnerTexts()).map(squash);
    for (const expected of SCREENSHOT_LINES) {
      assert.ok(
        read.some((line) => line.includes(squash(expected))),
        `OCR missed "${expected}"; it read ${JSON.stringify(read)}`,
      );
    }
    const boxes = s.panel.frame.locator('#ocr-boxes .ocr-box');
    assert.equal(await boxes.count(), read.length);
    for (const box of await boxes.all()) {
      const rect = await box.boundingBox();
      assert.ok(
        rect !== null && rect.width > 10 && rect.height > 5,
        `an OCR box is not drawn: ${JSON.stringify(rect)}`,
      );
    }
    await s.screenshot('02-ocr-lines-and-boxes');
    await s.panel.frame.locator('#tab-answer').click();
  });

  scenario('paste an image into the panel, then drop one in', async (s) => {
    // Paste: the image goes onto the browser's clipboard and Ctrl+V is pressed inside the panel.
    await s.workbench.page
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.server.origin });
    await s.workbench.page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': new Blob([bytes], { type: 'image/png' }) })]);
    }, s.images.diagram.toString('base64'));
    await s.panel.frame.locator('#drop-zone').click();
    await s.workbench.page.keyboard.press('Control+V');
    await s.panel.waitForImage('pasted image');
    assert.deepEqual(await s.panel.imageSize(), { width: 640, height: 190 });
    await s.panel.askPreset('describe');
    assert.equal(await s.panel.waitForTurnEnd(), 'done');
    await s.screenshot('03-pasted-image-answer');

    // Drop: a browser cannot drag a file from the desktop under automation, so the drop event a
    // file drag produces is dispatched on the drop zone with the file in its DataTransfer.
    await s.panel.frame.locator('#drop-zone').evaluate((zone, base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'dropped-screenshot.png', { type: 'image/png' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
      }
    }, s.images.screenshot.toString('base64'));
    // The workbench stops treating the panel as a drag target when the mouse moves without a
    // button pressed, as it does after every real drop.
    await s.workbench.page.mouse.move(700, 300);
    await s.workbench.page.mouse.move(720, 320);
    await s.panel.waitForImage('dropped-screenshot.png');
    assert.deepEqual(await s.panel.imageSize(), { width: 640, height: 360 });
    await s.panel.askPreset('explain-ui');
    assert.equal(await s.panel.waitForTurnEnd(), 'done');
    assert.match(await s.panel.lastTurn.locator('.stats').innerText(), STATS);
    await s.screenshot('04-dropped-image-answer');
  });

  scenario('Markdown image link: the diagram CodeLens answers, "Insert as Alt Text" fills the link', async (s) => {
    await s.workbench.openFile(FILES.markdown);
    await s.workbench.codeLens('Describe diagram').click();
    await s.panel.waitForImage(FILES.diagram);
    await s.panel.waitForQuestion(/diagram/i);
    assert.equal(await s.panel.waitForTurnEnd(), 'done');
    assert.match(await s.panel.lastTurn.locator('.stats').innerText(), STATS);
    await s.screenshot('05-markdown-describe-diagram');

    const answer = await s.panel.lastTurn.locator('.answer-text').innerText();
    await s.panel.lastTurn.locator('[data-action="insert-alt"]').click();
    const alt = await savedAltText(s);
    assert.notEqual(alt.trim(), '', 'the alt text is still empty');
    assert.equal(words(alt), words(answer), 'the alt text is not the answer shown');
    await s.screenshot('06-alt-text-inserted');
  });

  scenario('Markdown image link: the "Write alt text" CodeLens asks for alt text and fills the link', async (s) => {
    // Start again from an empty alt text: the editor reloads the saved file when it changes on disk.
    writeFileSync(join(s.workspace, FILES.markdown), MARKDOWN);
    await s.workbench.openFile(FILES.markdown);
    await s.workbench.page.locator('.monaco-editor .view-lines', { hasText: MARKDOWN_IMAGE_LINK }).waitFor();
    await s.workbench.codeLens('Write alt text').click();
    await s.panel.waitForImage(FILES.diagram);
    await s.panel.waitForQuestion(/alt text/i);
    assert.equal(await s.panel.waitForTurnEnd(), 'done');
    const answer = await s.panel.lastTurn.locator('.answer-text').innerText();
    const alt = await savedAltText(s);
    assert.notEqual(alt.trim(), '', 'the alt text is still empty');
    assert.equal(words(alt), words(answer), 'the alt text is not the answer shown');
    await s.screenshot('07-write-alt-text');
  });

  scenario('cancel in the middle of an answer, then ask again', async (s) => {
    await s.updateSettings({ 'infimmHd.maxNewTokens': LONG_ANSWER_TOKENS });
    await s.workbench.explorerContextCommand(FILES.diagram, 'infimmHd.askAboutImage');
    await s.panel.waitForImage(FILES.diagram);
    await s.panel.ask('What does this diagram show?');
    await s.panel.waitForAnswerText();
    await s.panel.frame.locator('#cancel-button:not([disabled])').click();
    assert.equal(await s.panel.waitForTurnEnd(30_000), 'cancelled');
    const stopped = await s.panel.lastTurn.locator('.answer-text').innerText();
    await sleep(1000);
    assert.equal(
      await s.panel.lastTurn.locator('.answer-text').innerText(),
      stopped,
      'the answer kept growing after Cancel',
    );
    await s.screenshot('08-cancelled');

    await s.updateSettings({ 'infimmHd.maxNewTokens': SHORT_ANSWER_TOKENS });
    await s.panel.ask('Which boxes are in it?');
    assert.equal(await s.panel.waitForTurnEnd(), 'done');
    assert.match(await s.panel.lastTurn.locator('.stats').innerText(), STATS);
    await s.screenshot('09-answer-after-cancel');
  });

  scenario('the runtime host dies during an answer: a clear error, then the next question works', async (s) => {
    await s.updateSettings({ 'infimmHd.maxNewTokens': LONG_ANSWER_TOKENS });
    await s.workbench.explorerContextCommand(FILES.diagram, 'infimmHd.askAboutImage');
    await s.panel.waitForImage(FILES.diagram);
    await s.panel.ask('Describe every part of this diagram.');
    await s.panel.waitForAnswerText();
    const hosts = processesInSession(s.server.sessionId, 'infimm-runtime-host');
    assert.equal(hosts.length, 1, `expected one runtime host, found ${hosts.length}`);
    process.kill(hosts[0]!, 'SIGKILL');

    assert.equal(await s.panel.waitForTurnEnd(30_000), 'failed');
    // The error belongs to the turn it ended, not to the panel.
    const turnError = s.panel.lastTurn.locator('.turn-error');
    await turnError.waitFor({ state: 'visible' });
    assert.match(await turnError.innerText(), /stopped|crash|ended|exited/i);
    assert.equal(await s.panel.error.isVisible(), false);
    await s.screenshot('10-runtime-host-killed');

    await s.updateSettings({ 'infimmHd.maxNewTokens': SHORT_ANSWER_TOKENS });
    await s.panel.ask('What does this diagram show?');
    assert.equal(await s.panel.waitForTurnEnd(), 'done');
    assert.match(await s.panel.lastTurn.locator('.stats').innerText(), STATS);
    await s.screenshot('11-answer-after-crash');
  });

  scenario('a corrupt image gives a clear message and the extension keeps working', async (s) => {
    await s.workbench.explorerContextCommand(FILES.corrupt, 'infimmHd.askAboutImage');
    // The message names the file, so an error left over from an earlier scenario cannot pass for it.
    const error = s.panel.error.filter({ hasText: FILES.corrupt });
    await error.waitFor({ state: 'visible', timeout: 60_000 });
    const message = await error.innerText();
    assert.match(message, /could not be read|not a valid|corrupt|decode/i);
    // Nothing can be asked about it, and the panel does not claim the model could read it.
    await s.panel.frame.locator('#ask-button[disabled]').waitFor();
    assert.equal(await s.panel.frame.locator('[data-preset="describe"][disabled]').count(), 1);
    await s.panel.frame.locator('#image-frame.unreadable').waitFor({ state: 'attached' });
    await s.screenshot('12-corrupt-image');

    // Another image: the stale error goes without being dismissed.
    await s.workbench.explorerContextCommand(FILES.diagram, 'infimmHd.askAboutImage');
    await s.panel.waitForImage(FILES.diagram);
    await s.panel.error.waitFor({ state: 'hidden' });
    await s.panel.askPreset('describe');
    assert.equal(await s.panel.waitForTurnEnd(), 'done');
    await s.screenshot('13-answer-after-corrupt-image');
  });

  scenario(
    '"Write alt text" on a link with alt text: a preview of both, Cancel keeps it, Replace is one undoable edit',
    async (s) => {
      const authorAlt = 'settings-screen';
      const authored = `![${authorAlt}](${FILES.diagram})`;
      writeFileSync(join(s.workspace, FILES.markdown), MARKDOWN.replace(MARKDOWN_IMAGE_LINK, authored));
      await s.workbench.openFile(FILES.markdown);
      const editorText = s.workbench.page.locator('.monaco-editor .view-lines');
      await editorText.filter({ hasText: authored }).waitFor();
      const dialog = s.workbench.page.locator('.monaco-dialog-box');
      for (const choice of ['Cancel', 'Replace']) {
        await s.workbench.codeLens('Write alt text').click();
        await dialog.waitFor({ timeout: 120_000 });
        const text = await dialog.innerText();
        assert.match(text, new RegExp(`Now: ${authorAlt}`), text);
        assert.match(text, /New: \S/, text);
        if (choice === 'Cancel') await s.screenshot('15-alt-text-preview');
        await dialog.getByRole('button', { name: choice }).click();
        await dialog.waitFor({ state: 'hidden' });
      }
      await editorText.filter({ hasText: authored }).waitFor({ state: 'detached', timeout: 30_000 });
      // One Ctrl+Z in the editor brings the author's words back.
      await editorText.click();
      await s.workbench.page.keyboard.press('Control+Z');
      await editorText.filter({ hasText: authored }).waitFor({ timeout: 30_000 });
    },
  );

  scenario('after 10 turns the question box is still at the bottom and the image at the top', async (s) => {
    await s.workbench.explorerContextCommand(FILES.diagram, 'infimmHd.askAboutImage');
    await s.panel.waitForImage(FILES.diagram);
    for (let turn = 1; turn <= 10; turn++) {
      await s.panel.ask(`Question ${turn}: what is in the diagram?`);
      assert.equal(await s.panel.waitForTurnEnd(), 'done');
    }
    const inView = (selector: string) =>
      s.panel.frame.locator(selector).evaluate((el) => {
        const box = el.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
      });
    assert.ok(await inView('#question-input'), 'the question box scrolled away');
    assert.ok(await inView('#ask-button'), 'Ask scrolled away');
    assert.ok(await inView('#image-summary'), 'the image scrolled away');
    assert.ok(await inView('#model-summary'), 'the model header scrolled away');
    assert.ok(await inView('#answer .turn:last-child .answer-text'), 'the newest answer is not in view');
    await s.screenshot('16-ten-turns');
  });

  scenario('a remote image link: no CodeLens, and its error replaces the image until another one opens', async (s) => {
    await s.workbench.explorerContextCommand(FILES.diagram, 'infimmHd.askAboutImage');
    await s.panel.waitForImage(FILES.diagram);
    await s.workbench.openFile(FILES.remoteMarkdown);
    await s.workbench.codeLens('Write alt text').waitFor();
    // Two image links, one remote: only the local one has lenses.
    assert.equal(
      await s.workbench.page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Write alt text' }).count(),
      1,
    );
    await s.workbench.page.locator('.monaco-editor .view-line', { hasText: 'example.org' }).click();
    await s.workbench.runCommand('infimmHd.describeDiagram');
    const error = s.panel.error.filter({ hasText: REMOTE_IMAGE_URL });
    await error.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(
      await s.panel.frame.locator('#image-details').isVisible(),
      false,
      'the error sits under an unrelated image',
    );
    await s.screenshot('17-remote-link-error');
    await s.workbench.explorerContextCommand(FILES.diagram, 'infimmHd.askAboutImage');
    await s.panel.waitForImage(FILES.diagram);
    await s.panel.error.waitFor({ state: 'hidden' });
  });

  scenario('each image keeps its conversation: a new image starts one, switching back resumes it', async (s) => {
    // An image no earlier scenario has seen, so its conversation is surely new.
    writeFileSync(
      join(s.workspace, 'fresh.png'),
      await sharp({ create: { width: 320, height: 200, channels: 3, background: '#3a7' } })
        .png()
        .toBuffer(),
    );
    await s.workbench.explorerItem('fresh.png').waitFor();
    await s.workbench.explorerContextCommand(FILES.screenshot, 'infimmHd.askAboutImage');
    await s.panel.waitForImage(FILES.screenshot);
    await s.panel.ask('What does the button say?');
    assert.equal(await s.panel.waitForTurnEnd(), 'done');
    const turns = s.panel.frame.locator('#answer .turn');
    const kept = await turns.count();
    await s.workbench.explorerContextCommand('fresh.png', 'infimmHd.askAboutImage');
    await s.panel.waitForImage('fresh.png');
    const note = s.panel.frame.locator('#conversation-note');
    await note.filter({ hasText: `New image, new conversation. The one about ${FILES.screenshot} is kept` }).waitFor();
    assert.equal(await turns.count(), 0);
    await s.workbench.explorerContextCommand(FILES.screenshot, 'infimmHd.askAboutImage');
    await s.panel.waitForImage(FILES.screenshot);
    await note.filter({ hasText: `Back to ${FILES.screenshot}` }).waitFor();
    assert.equal(await turns.count(), kept);
    await s.screenshot('18-conversation-resumed');
  });

  scenario('OCR "Insert at Cursor" inserts whole lines before the cursor\'s line', async (s) => {
    writeFileSync(join(s.workspace, FILES.markdown), MARKDOWN);
    await s.workbench.openFile(FILES.markdown);
    const target = 'How an image becomes an answer:';
    // The cursor at the end of a line with text: the OCR text must not be glued onto it.
    await s.workbench.page.locator('.monaco-editor .view-line', { hasText: target }).click();
    await s.workbench.page.keyboard.press('End');
    await s.workbench.explorerContextCommand(FILES.screenshot, 'infimmHd.askAboutImage');
    await s.panel.waitForImage(FILES.screenshot);
    await s.panel.frame.locator('#tab-ocr').click();
    await s.panel.frame.locator('#ocr-insert:not([disabled])').click({ timeout: 120_000 });
    await s.panel.frame.locator('#tab-answer').click();
    await s.workbench.openFile(FILES.markdown);
    await s.workbench.page.keyboard.press('Control+S');
    const path = join(s.workspace, FILES.markdown);
    const deadline = Date.now() + 30_000;
    while (readFileSync(path, 'utf8') === MARKDOWN && Date.now() < deadline) await sleep(200);
    const lines = readFileSync(path, 'utf8').split('\n');
    const at = lines.indexOf(target);
    assert.ok(at > 0, `"${target}" is no longer a line of its own:\n${lines.join('\n')}`);
    assert.ok(
      lines.slice(0, at).some((line) => squash(line).includes(squash(SCREENSHOT_LINES[2]!))),
      `the OCR lines are not above it:\n${lines.join('\n')}`,
    );
    await s.screenshot('19-insert-at-cursor');
  });

  scenario('BMP is not offered: the Explorer menu of a .bmp file has no InfiMM-HD entry', async (s) => {
    await s.workbench.explorerItem(FILES.bmp).click({ button: 'right' });
    const menu = s.workbench.page.locator('.monaco-menu');
    await menu.locator('.action-item').first().waitFor();
    assert.equal(await menu.locator('.action-item', { hasText: 'Ask About Image' }).count(), 0);
    await s.workbench.page.keyboard.press('Escape');
  });

  scenario(
    '"Convert a Checkpoint…" converts a tiny checkpoint, "Use This Model" loads the package and it answers',
    async (s) => {
      // Only the user setting the command writes may name the model: the workspace's must not override it.
      await s.updateSettings({ 'infimmHd.modelPath': undefined });
      const checkpoint = await tinyCheckpoint();
      const output = join(s.workspace, '..', 'converted');
      rmSync(output, { recursive: true, force: true });
      mkdirSync(output);
      await s.workbench.runCommand('infimmHd.convertCheckpoint');
      await s.workbench.chooseInFileDialog(`${checkpoint}/`, 'Convert This Checkpoint');
      const precision = s.workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: 'int4' });
      await precision.click({ timeout: 30_000 });
      await s.workbench.chooseInFileDialog(`${output}/`, 'Write the Package Here');
      const toasts = s.workbench.page.locator('.notifications-toasts .notification-toast');
      const converted = toasts.filter({ hasText: /converted .* \(int4, / });
      await converted.waitFor({ timeout: 100_000 }).catch(async (error: unknown) => {
        throw new Error(
          `no "converted" notification; the toasts say: ${JSON.stringify(await toasts.allInnerTexts())}`,
          { cause: error },
        );
      });
      await s.screenshot('21-checkpoint-converted');
      // The picked folder was empty: the package is written into it, and nothing else is left beside it.
      assert.ok(
        readdirSync(output).includes('manifest.json'),
        `no package in ${output}: ${readdirSync(output).join(', ')}`,
      );
      assert.deepEqual(
        readdirSync(join(output, '..')).filter((name) => name.includes('.partial-')),
        [],
      );
      await converted.locator('.monaco-button', { hasText: 'Use This Model' }).click();
      await toasts.filter({ hasText: 'model folder set to' }).waitFor({ timeout: 60_000 });

      await s.workbench.explorerContextCommand(FILES.diagram, 'infimmHd.askAboutImage');
      await s.panel.waitForImage(FILES.diagram);
      await s.panel.frame.locator('#model-summary', { hasText: '· int4 ·' }).waitFor({ timeout: 60_000 });
      await s.panel.askPreset('describe');
      assert.equal(await s.panel.waitForTurnEnd(), 'done');
      assert.notEqual((await s.panel.lastTurn.locator('.answer-text').innerText()).trim(), '');
      await s.screenshot('22-converted-model-answers');
      await s.updateSettings({ 'infimmHd.modelPath': await tinyPackage(MODEL) });
    },
  );

  scenario('the bundled model: the header names it and its "Model card" link opens docs/model.md', async (s) => {
    // An empty workspace value would fall back to the user setting (the tiny model): name the folder.
    await s.updateSettings({ 'infimmHd.modelPath': resolve('models', 'default') });
    await s.workbench.explorerContextCommand(FILES.screenshot, 'infimmHd.askAboutImage');
    await s.panel.waitForImage(FILES.screenshot);
    const header = s.panel.frame.locator('#model-summary', { hasText: 'InfiMM-HD-small' });
    await header.waitFor({ timeout: 60_000 });
    assert.match(await header.innerText(), /^InfiMM-HD-small · 4\.3M parameters · 17\.\d MB · fp32 · on cpu$/);
    await s.screenshot('20-bundled-model-header');
    await s.panel.frame.locator('#model-card').click();
    // The Markdown preview of the card opens as an editor tab.
    const preview = s.workbench.page.locator('.tab', { hasText: 'Preview model.md' });
    await preview.waitFor({ timeout: 30_000 });
    await preview.hover();
    await preview.locator('.codicon-close').click();
    await preview.waitFor({ state: 'detached' });
    await s.updateSettings({ 'infimmHd.modelPath': await tinyPackage(MODEL) });
  });

  scenario('light and dark themes render the panel legibly', async (s) => {
    await s.workbench.explorerContextCommand(FILES.diagram, 'infimmHd.askAboutImage');
    await s.panel.waitForImage(FILES.diagram);
    await s.panel.askPreset('describe');
    assert.equal(await s.panel.waitForTurnEnd(), 'done');
    const legible = [
      '#model-summary',
      '.turn .question',
      '.turn .answer-text',
      '.turn .stats summary',
      '#question-input',
      '#grid-summary',
    ];
    for (const theme of ['Default Light Modern', 'Default Dark Modern']) {
      await s.updateSettings({ 'workbench.colorTheme': theme });
      const kind = theme.includes('Dark') ? 'vscode-dark' : 'vscode-light';
      await s.panel.frame.locator(`body.${kind}`).waitFor({ timeout: 30_000 });
      for (const selector of legible) {
        const contrast = await textContrast(s.panel.frame.locator(selector).last());
        assert.ok(contrast >= 4.5, `${selector} has contrast ${contrast.toFixed(2)} in ${theme}; WCAG AA asks for 4.5`);
      }
      await s.screenshot(`14-theme-${kind}`);
    }
  });
});
