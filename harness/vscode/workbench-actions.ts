// Steps of a code-server workbench driven by Playwright, shared by the captures of real screenshots
// (the OCR benchmark's set, the model's training screens): commands run with the keyboard, so no
// mouse rests over a scene (a hover shows a tooltip), and a screenshot taken with its DOM truth.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startCodeServer, type CodeServer } from './code-server.ts';
import { readScreenTruth, type ScreenTruth } from './screen-truth.ts';

/**
 * Runs the command named exactly `label`: a longer name that matches the filter too may be listed
 * first. The row is chosen with the keyboard, so that no mouse rests over the scene (a hover shows
 * a tooltip).
 */
export async function palette(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  await choose(page, `>${label}`, label, 'label');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/**
 * Changes the color theme the way a user does (Preferences: Color Theme) to the theme whose setting value is `theme`,
 * and waits until the workbench has it.
 */
export async function colorTheme(page: Page, theme: string): Promise<void> {
  const before = await page.locator('.monaco-workbench').getAttribute('class');
  await page.keyboard.press('F1');
  await choose(page, '>Preferences: Color Theme', 'Preferences: Color Theme', 'label');
  await choose(page, theme, theme, 'setting');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  // The workbench's classes name its theme.
  await page.waitForFunction((old) => document.querySelector('.monaco-workbench')?.className !== old, before);
}

/**
 * How a quick input's row is named: by its label (commands), or by the setting value its aria-label ends with
 * (color themes: "Dark+, Default Dark+"; "Monokai" where label and value are the same).
 */
type RowName = 'label' | 'setting';

const ROWS = '.quick-input-list .monaco-list-row';

/** Whether a row that `selector` finds is named `name` (runs in the page: self-contained). */
function listed([selector, name, by]: readonly [string, string, RowName]): boolean {
  return [...document.querySelectorAll(selector)].some(
    (row) =>
      (by === 'label'
        ? row.querySelector('.label-name')?.textContent
        : row.getAttribute('aria-label')?.split(', ').at(-1)) === name,
  );
}

/**
 * Filters the open quick input by `filter` and chooses the row named exactly `name` with the keyboard: a longer
 * name that matches the filter too may be listed first.
 */
async function choose(page: Page, filter: string, name: string, by: RowName): Promise<void> {
  await page.locator('.quick-input-widget input').fill(filter);
  await page.waitForFunction(listed, [ROWS, name, by] as const);
  for (let step = 0; !(await page.evaluate(listed, [`${ROWS}.focused`, name, by] as const)); step++) {
    if (step === 20) throw new Error(`the quick input lists nothing named "${name}"`);
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
}

/** Quick Open (Ctrl+P) in the active editor group; the Explorer reveals the file. */
export async function open(page: Page, path: string): Promise<void> {
  const name = path.split('/').at(-1)!;
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(path);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.editor-group-container.active .tab.active', { hasText: name }).waitFor();
  // The Explorer, where it shows, has the file selected (slow to reveal on a busy machine).
  if (await page.locator('.explorer-folders-view').isVisible())
    await page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: name }).waitFor();
}

/**
 * Waits until nothing shows work in progress: a spinning icon (a language server analysing the
 * file) or a progress badge in the activity bar. A scene that never settles is taken as it is.
 */
export async function settled(page: Page): Promise<void> {
  await page
    .waitForFunction(() => !document.querySelector('.codicon-modifier-spin, .progress-badge'), undefined, {
      polling: 500,
      timeout: 60_000,
    })
    .catch(() => console.log('the workbench still shows work in progress; captured as it is'));
}

export async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** A screenshot and its truth read before and after it agree: nothing changed in between (a status message). */
export async function stableShot(page: Page, scale: number): Promise<{ png: Buffer; truth: ScreenTruth }> {
  for (let attempt = 0; ; attempt++) {
    const before = await readScreenTruth(page, scale);
    const png = await page.screenshot({ type: 'png' });
    const truth = await readScreenTruth(page, scale);
    if (JSON.stringify(before) === JSON.stringify(truth)) return { png, truth };
    if (attempt === 5) throw new Error('the workbench kept changing while it was captured');
    await page.waitForTimeout(1000);
  }
}

/** code-server gives its own child process 10 s to start: on a loaded machine that can take a few tries. */
export async function startServer(stateDir: string): Promise<CodeServer> {
  for (let attempt = 1; ; attempt++) {
    rmSync(stateDir, { recursive: true, force: true });
    try {
      return await startCodeServer({ stateDir, settings: {}, env: { SHELL: '/bin/bash' } });
    } catch (error) {
      if (attempt === 10) throw error;
      console.log(`code-server did not start (${(error as Error).message}); trying again`);
    }
  }
}

/** Settings every capture shares, whatever its theme and font. */
export const CAPTURE_SETTINGS: Record<string, unknown> = {
  // The DOM renderer keeps the terminal's rows in the DOM, where their text is read.
  'terminal.integrated.gpuAcceleration': 'off',
  'terminal.integrated.defaultProfile.linux': 'bash',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.commandCenter': false,
};

/** A code-server for captures, with a short prompt, and a way to give its workbench a scene's settings. */
export async function startCaptureServer(
  stateDir: string,
): Promise<{ server: CodeServer; applySettings: (settings: Record<string, unknown>) => void }> {
  const server = await startServer(stateDir);
  // The terminal's prompt names the folder only (Debian's default shows user, host and full path).
  writeFileSync(join(stateDir, 'home', '.bashrc'), "PS1='\\W$ '\n");
  const settingsFile = join(stateDir, 'user-data', 'User', 'settings.json');
  const base = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  const applySettings = (settings: Record<string, unknown>): void =>
    writeFileSync(settingsFile, JSON.stringify({ ...base, ...CAPTURE_SETTINGS, ...settings }, null, 2));
  return { server, applySettings };
}

/** A new terminal in the panel, running each command in turn to its end (its echo, then a prompt again). */
export async function runInTerminal(page: Page, commands: string[]): Promise<void> {
  await palette(page, 'Terminal: Create New Terminal');
  await page.locator('.part.panel .xterm-rows', { hasText: '$' }).waitFor();
  for (const command of commands) {
    await page.keyboard.type(`${command}\n`, { delay: 5 });
    await page.waitForFunction((typed) => {
      const rows = [...document.querySelectorAll('.part.panel .xterm-rows > div')]
        .map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trim())
        .filter(Boolean);
      return rows.some((r) => r.endsWith(`$ ${typed}`)) && /\$$/.test(rows.at(-1) ?? '');
    }, command);
  }
}
