// Captures the real-screenshot OCR set: code-server's workbench in headless Chromium showing this
// repository's own files (a fresh clone at HEAD), in the layouts a developer screenshots (explorer
// and editor, split editors, a terminal, Settings, Keyboard Shortcuts, a Markdown preview, the
// command palette), light and dark, at device scale 1 and 2, in three editor fonts. Each PNG gets
// its ground truth from the DOM (harness/vscode/screen-truth.ts).
// `npx tsx bench/ocr-editor-capture.ts [out-dir] [name-regexp]`; needs code-server
// (node scripts/e2e-setup.mjs), Debian's chromium, git and fonts-dejavu-core fonts-liberation fonts-noto-mono.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import type { ScreenTruth } from '../harness/vscode/screen-truth.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../harness/vscode/workbench.ts';
import {
  goToLine,
  open,
  palette,
  runInTerminal,
  settled,
  stableShot,
  startCaptureServer,
} from '../harness/vscode/workbench-actions.ts';

const ROOT = resolve(import.meta.dirname, '..');
export const EDITOR_DATA_DIR = join(ROOT, 'bench', 'ocr-data', 'editor');
const STATE_DIR = join(ROOT, '.cache', 'ocr-editor');

export type EditorCategory = 'editor' | 'split' | 'terminal' | 'settings' | 'shortcuts' | 'markdown' | 'palette';

export interface EditorScene {
  name: string;
  category: EditorCategory;
  theme: 'dark' | 'light';
  font: string;
  scale: 1 | 2;
  /** Brings the workbench into the state to capture. */
  show(page: Page): Promise<void>;
}

/** One screenshot of the set: its scene's settings and the ground truth. */
export interface EditorTruth extends ScreenTruth {
  file: string;
  category: EditorCategory;
  name: string;
  theme: 'dark' | 'light';
  font: string;
  scale: number;
  width: number;
  height: number;
}

const VIEWPORT = { width: 1600, height: 1000 };
const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' } as const;
const FOLDER_NAME = 'infimm-hd-vscode';

async function split(page: Page, left: string, right: string): Promise<void> {
  await open(page, left);
  await palette(page, 'View: Split Editor Right');
  await page.locator('.editor-group-container').nth(1).waitFor();
  await open(page, right);
}

async function terminal(page: Page, file: string, commands: string[]): Promise<void> {
  await open(page, file);
  await runInTerminal(page, commands);
}

async function markdownPreview(page: Page, toSide: boolean): Promise<void> {
  await open(page, 'README.md');
  await palette(page, toSide ? 'Markdown: Open Preview to the Side' : 'Markdown: Open Preview');
  await page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame').locator('h1').first().waitFor();
}

const settingsEditor = (page: Page): Promise<void> =>
  palette(page, 'Preferences: Open Settings (UI)').then(() =>
    page.locator('.settings-editor .setting-item').first().waitFor(),
  );

const keyboardShortcuts = (page: Page): Promise<void> =>
  palette(page, 'Preferences: Open Keyboard Shortcuts').then(() =>
    page.locator('.keybindings-editor .monaco-list-row').first().waitFor(),
  );

/** The command palette open over a file, with all commands or those matching `filter`. */
async function paletteOver(page: Page, file: string, filter?: string): Promise<void> {
  await open(page, file);
  await page.keyboard.press('F1');
  if (filter) await page.locator('.quick-input-widget input').fill(`>${filter}`);
  await page.locator('.quick-input-list .monaco-list-row').nth(5).waitFor();
}

const scene = (
  name: string,
  category: EditorCategory,
  theme: EditorScene['theme'],
  font: string,
  scale: EditorScene['scale'],
  show: EditorScene['show'],
): EditorScene => ({
  name,
  category,
  theme,
  font,
  scale,
  show,
});

const DEJAVU = 'DejaVu Sans Mono';
const LIBERATION = 'Liberation Mono';
const NOTO = 'Noto Mono';

export const SCENES: EditorScene[] = [
  scene('editor-ts-dark', 'editor', 'dark', DEJAVU, 1, (p) => open(p, 'src/ocr/engine.ts')),
  scene('editor-py-light', 'editor', 'light', LIBERATION, 1, (p) => open(p, 'python/infimm/ocr_context.py')),
  scene('editor-py-scrolled-dark', 'editor', 'dark', LIBERATION, 1, (p) =>
    open(p, 'python/infimm/model.py').then(() => goToLine(p, 140)),
  ),
  scene('editor-json-light-2x', 'editor', 'light', NOTO, 2, (p) => open(p, 'package.json')),
  scene('editor-shell-dark-2x', 'editor', 'dark', DEJAVU, 2, (p) => open(p, '.ci/run')),
  scene('split-ts-json-dark', 'split', 'dark', DEJAVU, 1, (p) => split(p, 'src/ocr/assemble.ts', 'tsconfig.json')),
  scene('split-py-ts-light', 'split', 'light', NOTO, 1, (p) => split(p, 'python/infimm/config.py', 'src/ocr/words.ts')),
  scene('split-ts-py-dark-2x', 'split', 'dark', LIBERATION, 2, (p) =>
    split(p, 'src/ocr/reading-order.ts', 'python/infimm/tokenization.py'),
  ),
  scene('terminal-ls-dark', 'terminal', 'dark', DEJAVU, 1, (p) =>
    // Subjects cut to 70 characters: wrapped ones would scroll the command's echo out of view, which the wait needs.
    terminal(p, 'src/ocr/detect.ts', ['ls', 'git log --oneline | head -n 8 | cut -c 1-70']),
  ),
  scene('terminal-wc-light', 'terminal', 'light', LIBERATION, 1, (p) =>
    terminal(p, 'python/infimm/config.py', ['ls python/infimm', 'wc -l src/ocr/*.ts | sort -n | tail -n 5']),
  ),
  scene('settings-dark', 'settings', 'dark', DEJAVU, 1, settingsEditor),
  scene('settings-light', 'settings', 'light', NOTO, 1, settingsEditor),
  scene('shortcuts-dark', 'shortcuts', 'dark', DEJAVU, 1, keyboardShortcuts),
  scene('shortcuts-light-2x', 'shortcuts', 'light', LIBERATION, 2, keyboardShortcuts),
  scene('markdown-side-light', 'markdown', 'light', DEJAVU, 1, (p) => markdownPreview(p, true)),
  scene('markdown-preview-dark', 'markdown', 'dark', NOTO, 1, (p) => markdownPreview(p, false)),
  scene('palette-dark', 'palette', 'dark', DEJAVU, 1, (p) => paletteOver(p, 'src/ocr/recognize.ts')),
  scene('palette-light', 'palette', 'light', LIBERATION, 1, (p) =>
    paletteOver(p, 'python/infimm/reference.py', 'terminal'),
  ),
];

function settings(scene: EditorScene): Record<string, unknown> {
  return {
    'workbench.colorTheme': THEMES[scene.theme],
    'editor.fontFamily': `'${scene.font}', monospace`,
    'editor.minimap.enabled': true,
  };
}

/** A fresh clone of the repository at HEAD: its real files, without ignored build output. */
function cloneWorkspace(): string {
  const dir = join(STATE_DIR, 'workspace', FOLDER_NAME);
  rmSync(dir, { recursive: true, force: true });
  const clone = spawnSync('git', ['clone', '--quiet', '--depth', '20', `file://${ROOT}`, dir], { encoding: 'utf8' });
  if (clone.status !== 0) throw new Error(`git clone failed: ${clone.stderr}`);
  return dir;
}

async function capture(
  browser: Browser,
  origin: string,
  folder: string,
  scene: EditorScene,
  outDir: string,
  writeSettings: (s: Record<string, unknown>) => void,
): Promise<EditorTruth> {
  writeSettings(settings(scene));
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: scene.scale });
  try {
    const page = await context.newPage();
    // Generous: the workbench loads slowly on a busy machine.
    page.setDefaultTimeout(300_000);
    await page.goto(`${origin}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
    await scene.show(page).catch(async (error: unknown) => {
      await page.screenshot({ path: join(STATE_DIR, `failed-${scene.name}.png`) }).catch(() => undefined);
      throw error;
    });
    // Let fonts, syntax colours, late layout and background work settle.
    await page.evaluate(() => document.fonts.ready);
    await settled(page);
    await page.waitForTimeout(2500);
    const { png, truth } = await stableShot(page, scene.scale);
    const file = `${scene.name}.png`;
    await sharp(png).png({ compressionLevel: 9, effort: 10 }).toFile(join(outDir, file));
    const { name, category, theme, font, scale } = scene;
    return {
      file,
      category,
      name,
      theme,
      font,
      scale,
      width: VIEWPORT.width * scale,
      height: VIEWPORT.height * scale,
      ...truth,
    };
  } finally {
    await context.close();
  }
}

/** On a loaded machine a step can outlast its timeout (Quick Open still searching the files): a scene gets a few fresh tries. */
async function captureRetrying(...args: Parameters<typeof capture>): Promise<EditorTruth> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await capture(...args);
    } catch (error) {
      if (attempt === 3) throw error;
      console.log(`${args[3].name} failed (${(error as Error).message.split('\n')[0]}); trying again`);
    }
  }
}

/** One text line per truth line, so that a new capture's diff shows what changed on screen. */
export function truthJson(truth: EditorTruth): string {
  const { regions, lines, ...about } = truth;
  const list = (items: readonly object[]): string => `[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]`;
  return `${JSON.stringify(about).slice(0, -1)},\n"regions": ${list(regions)},\n"lines": ${list(lines)}}\n`;
}

export async function captureEditorSet(outDir: string, filter?: string): Promise<EditorTruth[]> {
  mkdirSync(outDir, { recursive: true });
  const folder = cloneWorkspace();
  const stateDir = join(STATE_DIR, 'state');
  const { server, applySettings } = await startCaptureServer(stateDir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  const truths: EditorTruth[] = [];
  try {
    for (const scene of SCENES.filter((s) => !filter || new RegExp(filter).test(s.name))) {
      const started = Date.now();
      const truth = await captureRetrying(browser, server.origin, folder, scene, outDir, applySettings);
      writeFileSync(join(outDir, `${scene.name}.json`), truthJson(truth));
      truths.push(truth);
      console.log(
        `${truth.file}: ${truth.lines.length} lines (${truth.lines.filter((l) => l.kind === 'code').length} code) in ${Date.now() - started} ms`,
      );
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  return truths;
}

if (process.argv[1] === import.meta.filename) {
  const [outDir = EDITOR_DATA_DIR, filter] = process.argv.slice(2);
  if (!existsSync(join(ROOT, '.git')))
    throw new Error('the capture clones this repository: run it from a git checkout');
  await captureEditorSet(resolve(outDir), filter);
}
