// Takes the panel screenshots that docs/extension.md and README.vsix.md show (docs/panel-light.png,
// docs/panel-dark.png): the bundled model answering questions about a sample in code-server, in the
// light and the dark default theme. Needs what the end-to-end tests need (node scripts/e2e-setup.mjs).
// Usage: node --import tsx scripts/panel-screenshots.ts
import { copyFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { startSession } from '../harness/vscode/session.ts';

const SAMPLE = 'ui-screenshot.png';
const QUESTIONS = ['Is the theme light or dark?', 'How many buttons are there?'];
const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' } as const;
/** Small enough for a README: a palette PNG of the panel alone. */
const MAX_BYTES = 200_000;

const session = await startSession({
  settings: { 'infimmHd.modelPath': resolve('models', 'default'), 'workbench.colorTheme': THEMES.light },
  globalTimeoutMs: 10 * 60_000,
});
try {
  copyFileSync(join('media', 'samples', SAMPLE), join(session.workspace, SAMPLE));
  await session.workbench.explorerItem(SAMPLE).waitFor();
  await session.workbench.explorerContextCommand(SAMPLE, 'infimmHd.askAboutImage');
  await session.panel.waitForImage(SAMPLE);
  for (const question of QUESTIONS) {
    await session.panel.ask(question);
    const status = await session.panel.waitForTurnEnd();
    if (status !== 'done') throw new Error(`"${question}" ended ${status}`);
  }
  for (const [kind, theme] of Object.entries(THEMES)) {
    await session.updateSettings({ 'workbench.colorTheme': theme });
    await session.panel.frame.locator(`body.vscode-${kind}`).waitFor({ timeout: 30_000 });
    await session.workbench.page.mouse.move(0, 0);
    const clip = await session.workbench.page.locator('iframe.webview.ready:visible').boundingBox();
    if (clip === null) throw new Error('the panel is not on screen');
    const png = await sharp(await session.workbench.page.screenshot({ clip }))
      .png({ palette: true, compressionLevel: 9 })
      .toBuffer();
    if (png.length > MAX_BYTES)
      throw new Error(`the ${kind} screenshot has ${png.length} bytes, more than ${MAX_BYTES}`);
    writeFileSync(join('docs', `panel-${kind}.png`), png);
    console.log(`docs/panel-${kind}.png: ${png.length} bytes`);
  }
} finally {
  await session.stop();
}
