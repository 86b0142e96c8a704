// One end-to-end session: a browser, a workspace, one code-server and the workbench, shared by
// every scenario of a test file (starting them costs more than most scenarios on two cores).
// Everything it writes goes under .test-output/e2e/: screenshots, the browser console, the server
// log and the user-data logs (the extension host's and the extension's output channels).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { hasProgram, hasPythonModule } from '../requirements.ts';
import { CODE_SERVER_BIN, startCodeServer, type CodeServer } from './code-server.ts';
import { Panel } from './panel.ts';
import { CHROMIUM, launchBrowser, Workbench } from './workbench.ts';
import { createWorkspace } from './workspace.ts';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const OUTPUT_DIR = join(ROOT, '.test-output', 'e2e');

/** What this machine lacks to run the end-to-end tests, or undefined when it has everything. */
export function missingForE2E(): string | undefined {
  if (!existsSync(join(ROOT, CODE_SERVER_BIN))) return 'code-server (node scripts/e2e-setup.mjs)';
  // The scenarios' model is a tiny random checkpoint written by the PyTorch reference, then converted.
  if (!hasPythonModule('torch')) return 'python3-torch (for the tiny test model)';
  if (!hasProgram(CHROMIUM)) return `Chromium at ${CHROMIUM} (Debian package chromium)`;
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  if (manifest.scripts?.build === undefined) return 'the extension build script (npm run build)';
  return undefined;
}

/** A theme colour the panel and workbench never show, used to see when settings were applied. */
const MARKER_COLOR = 'notebook.cellBorderColor';

export interface Session {
  readonly server: CodeServer;
  readonly workbench: Workbench;
  readonly panel: Panel;
  readonly workspace: string;
  readonly images: Record<'screenshot' | 'diagram', Buffer>;
  /** Changes workspace settings and waits until the workbench has applied them. */
  updateSettings(changes: Record<string, unknown>): Promise<void>;
  /** Saves a screenshot of the workbench under .test-output/e2e/screenshots/. */
  screenshot(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startSession(options: {
  settings: Record<string, unknown>;
  globalTimeoutMs: number;
}): Promise<Session> {
  rmSync(OUTPUT_DIR, { recursive: true, force: true });
  const screenshotDir = join(OUTPUT_DIR, 'screenshots');
  const stateDir = join(OUTPUT_DIR, 'state');
  const workspace = join(OUTPUT_DIR, 'workspace');
  mkdirSync(screenshotDir, { recursive: true });

  // The scenarios run the extension as built, like a user would get it.
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);

  let context: BrowserContext | undefined;
  let server: CodeServer | undefined;
  const stop = async () => {
    clearTimeout(watchdog);
    await context?.close().catch(() => undefined);
    await server?.stop();
    // Keep the logs for reading; drop the bulky profile, home and temporary folders.
    for (const dir of ['chromium', 'home', 'tmp', 'extensions'])
      rmSync(join(stateDir, dir), { recursive: true, force: true });
  };
  // A hung browser or server must not hang CI: past the deadline the process exits, and
  // code-server.ts's exit hook and playwright's kill the process groups on the way out.
  const watchdog = setTimeout(() => {
    console.error(`end-to-end session exceeded ${options.globalTimeoutMs} ms; killing it`);
    process.exit(1);
  }, options.globalTimeoutMs);
  watchdog.unref();

  try {
    context = await launchBrowser(join(stateDir, 'chromium'));
    const images = await createWorkspace(context, workspace);
    // The workspace settings exist from the start: the workbench notices a changed file sooner than a new one.
    const settingsFile = join(workspace, '.vscode', 'settings.json');
    mkdirSync(join(workspace, '.vscode'));
    writeFileSync(settingsFile, '{}');
    server = await startCodeServer({ stateDir, settings: options.settings });
    const workbench = await Workbench.open(context, {
      origin: server.origin,
      folder: workspace,
      extensionPath: ROOT,
      screenshotDir,
      consoleLog: join(OUTPUT_DIR, 'browser-console.log'),
    });
    await workbench.waitForExtension('infimmHd.openPanel');
    let changed: Record<string, unknown> = {};
    let revision = 0;
    const updateSettings = async (changes: Record<string, unknown>) => {
      changed = { ...changed, ...changes };
      revision += 1;
      // The workbench reads a changed settings file a moment later. A colour that nothing on
      // screen uses travels in the same write; once the workbench's CSS carries it, the other
      // values have reached the workbench and the extension host too.
      const marker = `#0000${revision.toString(16).padStart(2, '0')}`;
      writeFileSync(
        settingsFile,
        JSON.stringify({ ...changed, 'workbench.colorCustomizations': { [MARKER_COLOR]: marker } }, null, 2),
      );
      await workbench.page.waitForFunction(
        ([name, value]) =>
          getComputedStyle(document.querySelector('.monaco-workbench') ?? document.body)
            .getPropertyValue(name)
            .trim() === value,
        [`--vscode-${MARKER_COLOR.replace('.', '-')}`, marker] as const,
        { timeout: 30_000 },
      );
    };
    const panel = new Panel(workbench.panel);
    return {
      server,
      workbench,
      panel,
      workspace,
      images,
      updateSettings,
      screenshot: (name) => workbench.screenshot(name),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
