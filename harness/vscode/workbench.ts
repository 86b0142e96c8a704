// Debian's Chromium, headless, driven by playwright-core, showing the code-server workbench with
// the extension loaded in development mode, plus the user actions the scenarios are made of.
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
/** Headless Chromium as the tests run it: no GPU, no sandbox, and nothing but the local server reachable (the extension must work offline). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

interface CommandContribution {
  command: string;
  title: string;
  category?: string;
}

interface ExtensionManifest {
  publisher: string;
  name: string;
  contributes?: { commands?: CommandContribution[] };
}

/** Palette labels ("Category: Title") of the extension's commands, from its manifest. */
function commandLabels(manifest: ExtensionManifest): Map<string, string> {
  return new Map(
    (manifest.contributes?.commands ?? []).map((c) => [c.command, c.category ? `${c.category}: ${c.title}` : c.title]),
  );
}

export async function launchBrowser(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: CHROMIUM_ARGS,
  });
}

export class Workbench {
  private readonly labels: Map<string, string>;
  /** publisher.name, as the workbench names the extension that owns a webview. */
  private readonly extensionId: string;

  private constructor(
    readonly page: Page,
    private readonly screenshotDir: string,
    extensionPath: string,
  ) {
    const manifest = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8')) as ExtensionManifest;
    this.labels = commandLabels(manifest);
    this.extensionId = `${manifest.publisher}.${manifest.name}`;
  }

  static async open(
    context: BrowserContext,
    options: {
      origin: string;
      folder: string;
      extensionPath: string;
      screenshotDir: string;
      /** Receives the browser console, where the extension host's console output is forwarded too. */
      consoleLog: string;
    },
  ): Promise<Workbench> {
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleLog = createWriteStream(options.consoleLog);
    page.on('console', (message) => consoleLog.write(`[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => consoleLog.write(`[pageerror] ${error.stack ?? error.message}\n`));
    context.once('close', () => consoleLog.end());

    // The payload parameter is how the web workbench receives what desktop VS Code takes as
    // --extensionDevelopmentPath: the extension loads straight from its folder, no packaging.
    const authority = new URL(options.origin).host;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', `vscode-remote://${authority}${options.extensionPath}`],
    ]);
    const url = `${options.origin}/?folder=${encodeURIComponent(options.folder)}&payload=${encodeURIComponent(payload)}`;
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    return new Workbench(page, options.screenshotDir, options.extensionPath);
  }

  /**
   * The extension's panel: a webview is an iframe whose document holds the content iframe. Other
   * webviews (a Markdown preview) may show beside it: the outer iframe names the extension that owns it.
   */
  get panel(): FrameLocator {
    return this.page
      .frameLocator(`iframe.webview.ready[src*="extensionId=${this.extensionId}"]:visible`)
      .frameLocator('#active-frame');
  }

  commandLabel(id: string): string {
    const label = this.labels.get(id);
    if (label === undefined) throw new Error(`the extension's manifest has no command ${id}`);
    return label;
  }

  /**
   * Waits until the workbench knows the extension's contributions: menus, CodeLens and custom
   * editors (the image preview) only appear once the extension host has scanned its extensions,
   * a moment after the workbench renders.
   */
  async waitForExtension(commandId: string, timeoutMs = 60_000): Promise<void> {
    await this.findInPalette(commandId, timeoutMs);
    await this.page.keyboard.press('Escape');
  }

  /** Runs a command through the palette, as a user does. */
  async runCommand(id: string, timeoutMs = 30_000): Promise<void> {
    await (await this.findInPalette(id, timeoutMs)).click();
  }

  private async findInPalette(id: string, timeoutMs: number): Promise<Locator> {
    const label = this.commandLabel(id);
    const input = this.page.locator('.quick-input-widget input');
    const deadline = Date.now() + timeoutMs;
    // Contributed commands appear only once the extension host has scanned the extension, a
    // moment after the workbench renders: retry until the palette lists this one.
    for (;;) {
      await this.page.keyboard.press('F1');
      await input.fill(`>${label}`);
      const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
      try {
        await row.waitFor({ timeout: 2000 });
        return row;
      } catch (error) {
        await this.page.keyboard.press('Escape');
        if (Date.now() > deadline) throw new Error(`the command palette never listed "${label}"`, { cause: error });
      }
    }
  }

  /**
   * Answers a file dialog (showOpenDialog), which the web workbench draws as a quick input with a path box: the
   * path is typed, then the OK button (labelled with the dialog's openLabel) pressed. A folder's path typed
   * without being shown yet first opens it in the dialog, so OK is pressed until the dialog closes.
   */
  async chooseInFileDialog(path: string, okLabel: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    const ok = this.page.locator('.quick-input-widget .monaco-button', { hasText: okLabel });
    await ok.waitFor({ timeout: 30_000 });
    // The dialog puts its starting folder into the box a moment after it opens; typed before that, the path
    // would be appended to it.
    const deadline = Date.now() + 30_000;
    await this.page.waitForFunction(
      () => (document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value ?? '').startsWith('/'),
      undefined,
      { timeout: 30_000 },
    );
    while ((await input.inputValue()) !== path) {
      if (Date.now() > deadline) throw new Error(`the file dialog's path box does not keep ${path}`);
      await input.fill(path);
      await this.page.waitForTimeout(500);
    }
    while (await ok.isVisible()) {
      if (Date.now() > deadline) throw new Error(`the file dialog did not accept ${path}`);
      await this.page.waitForTimeout(500);
      await ok.click().catch(() => undefined);
      await ok.waitFor({ state: 'hidden', timeout: 2000 }).catch(() => undefined);
    }
  }

  /** An Explorer row by its file name. */
  explorerItem(name: string): Locator {
    return this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^${name}$`) });
  }

  /** Right-clicks a file in the Explorer and picks the extension command from its context menu. */
  async explorerContextCommand(fileName: string, commandId: string): Promise<void> {
    const item = this.explorerItem(fileName);
    await item.click({ button: 'right' });
    const title = this.commandLabel(commandId).replace(/^.*?: /, '');
    const menuItem = this.page.locator('.monaco-menu .action-item', { hasText: title }).first();
    // A click right after the menu opens is dropped (the menu ignores the mouse-up of the right
    // click that opened it); hovering focuses the item and Enter runs it, as from the keyboard.
    await menuItem.hover();
    await this.page.locator('.monaco-menu .action-item.focused', { hasText: title }).waitFor();
    await this.page.keyboard.press('Enter');
    await menuItem.waitFor({ state: 'hidden' });
  }

  /**
   * Opens a workspace file from the Explorer (a double click pins it and focuses the editor) in the
   * first editor group, as a user with the panel beside their files does: the Explorer opens files
   * in the active group, which is the panel's after a click in the panel.
   */
  async openFile(name: string): Promise<void> {
    const firstGroup = this.page.locator('.editor-group-container').first();
    const firstActive = firstGroup.and(this.page.locator('.active'));
    const deadline = Date.now() + 30_000;
    // The panel takes focus, and with it makes its group active, a moment after a command revealed
    // it or a click went into it; a Ctrl+1 before that is undone. Press it until the group stays active.
    for (;;) {
      await this.page.keyboard.press('Control+1');
      await firstActive.waitFor({ timeout: 2000 }).catch(() => undefined);
      await this.page.waitForTimeout(1000);
      if ((await firstActive.count()) === 1) break;
      if (Date.now() > deadline) throw new Error('the first editor group does not stay active');
    }
    await this.explorerItem(name).dblclick();
    await firstGroup.locator('.tab.active', { hasText: name }).waitFor();
  }

  /** A CodeLens of the active editor, by its text. */
  codeLens(text: string | RegExp): Locator {
    return this.page.locator('.monaco-editor .codelens-decoration a', { hasText: text }).first();
  }

  async screenshot(name: string): Promise<string> {
    const path = join(this.screenshotDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
