// Real workbench screenshots for training and evaluating the bundled model: code-server in headless
// Chromium with a folder of real source files open, in the states a developer screenshots (an open
// file, several tabs, split editors, the side bar shown or hidden, a terminal with a command's real
// output), in code-server's own themes, fonts and window sizes. Each PNG gets a JSON beside it: the
// DOM truth of every visible text line (harness/vscode/screen-truth.ts) and the workbench's state
// (theme kind, tabs, language, cursor, terminal commands), from which python/infimm/data/captures.py
// composes questions and answers.
//   npx tsx scripts/capture-workbenches.ts OUT COUNT [--held-out] [--seed N] [--looks N]
// --looks N takes N screenshots of each arranged workbench, each after the first in another theme (chosen as a user
// does): loading the workbench is most of a capture's time, and a look costs a few seconds.
// Training folders are copies of Debian's Python library and of installed npm packages, under their
// own or project-like names, in every theme but the two default Modern ones; --held-out shows this
// repository in those two themes (as the OCR benchmark's set does), so a held-out score measures themes
// and code training never shows.
// Needs code-server (node scripts/e2e-setup.mjs), Debian's chromium and fonts-dejavu-core
// fonts-liberation fonts-noto-mono.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../harness/vscode/workbench.ts';
import { mulberry32 } from '../src/tokens/random.ts';
import {
  colorTheme,
  goToLine,
  open,
  palette,
  runInTerminal,
  stableShot,
  startCaptureServer,
} from '../harness/vscode/workbench-actions.ts';

const ROOT = resolve(import.meta.dirname, '..');
const STATE_DIR = join(ROOT, '.cache', 'workbench-captures');

const TRAIN_THEMES = [
  'Default Dark+',
  'Default Light+',
  'Visual Studio Dark',
  'Visual Studio Light',
  'Default High Contrast',
  'Default High Contrast Light',
  'Monokai',
  'Monokai Dimmed',
  'Solarized Dark',
  'Solarized Light',
  'Kimbie Dark',
  'Red',
  'Tomorrow Night Blue',
  'Abyss',
  'Quiet Light',
];
const HELD_OUT_THEMES = ['Default Dark Modern', 'Default Light Modern'];
const FONTS = ['DejaVu Sans Mono', 'Liberation Mono', 'Noto Mono'];
const WINDOWS = [
  { width: 1280, height: 800 },
  { width: 1366, height: 768 },
  { width: 1440, height: 900 },
  { width: 1600, height: 1000 },
];
const SCENES_PER_SERVER = 4;
const SOURCE_EXTENSIONS = /\.(py|js|mjs|cjs|ts|json|md|txt|cfg|toml|sh)$/;

/** The workbench's state at the screenshot, as the questions need it. */
interface WorkbenchState {
  theme: string;
  /** vs, vs-dark, hc-black or hc-light: the theme's kind. */
  kind: string;
  folder: string;
  /** Editor groups left to right: the active tab's name and every tab's. */
  groups: { active: string | null; tabs: string[] }[];
  sidebar: string | null;
  explorer: string[];
  terminal: boolean;
  commands: string[];
  /** The status bar's language mode and cursor position, where it shows them. */
  language: string | null;
  cursor: string | null;
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** Source files under `dir`, two levels deep at most, as paths relative to it. */
function sourceFiles(dir: string, depth = 0): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith('.') || name === '__pycache__' || name === 'node_modules') return [];
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) return depth < 1 ? sourceFiles(path, depth + 1).map((f) => `${name}/${f}`) : [];
    return SOURCE_EXTENSIONS.test(name) && stat.size > 200 && stat.size < 200_000 ? [name] : [];
  });
}

/** Folders of real code to show: packages of Debian's Python library and installed npm packages. */
function trainingSources(): string[] {
  const python = spawnSync(
    '/usr/bin/python3',
    ['-c', 'import json, os; print(os.path.dirname(os.path.dirname(json.__file__)))'],
    {
      encoding: 'utf8',
    },
  ).stdout.trim();
  const candidates = [
    ...readdirSync(python).map((n) => join(python, n)),
    ...readdirSync(join(ROOT, 'node_modules')).map((n) => join(ROOT, 'node_modules', n)),
  ];
  return candidates.filter((dir) => {
    if (!statSync(dir).isDirectory() || basename(dir).startsWith('.') || basename(dir).startsWith('@')) return false;
    const files = sourceFiles(dir);
    return files.length >= 3 && files.length <= 80;
  });
}

/** Words of the names people give project folders. */
const PROJECT_WORDS = (
  'acme api app backend billing cli client core dashboard data demo docs frontend gateway infra internal lib ' +
  'mobile my old pipeline playground plugin portal sdk server service shop site tools ui utils v2 web worker'
).split(' ');

/**
 * The folder's name in a training scene: the source's own name two times in five, otherwise the compound,
 * hyphenated names real projects have, so that the model learns to copy names of that shape too.
 */
function projectName(rng: Rng, source: string): string {
  const word = (): string => pick(rng, PROJECT_WORDS);
  const own = basename(source);
  return pick(rng, [own, own, `${own}-${word()}`, `${word()}-${own}`, `${word()}-${word()}-${word()}`]);
}

/**
 * A copy of the source folder under `name`, outside this repository so that git in the terminal knows
 * nothing of it.
 */
function workspace(source: string, heldOut: boolean, seed: string, name: string): string {
  const dir = join(tmpdir(), `infimm-workbench-captures-${seed}`, heldOut ? 'infimm-hd-vscode' : name);
  rmSync(dir, { recursive: true, force: true });
  if (heldOut) {
    const clone = spawnSync('git', ['clone', '--quiet', '--depth', '1', `file://${source}`, dir], { encoding: 'utf8' });
    if (clone.status !== 0) throw new Error(`git clone failed: ${clone.stderr}`);
  } else {
    for (const file of sourceFiles(source)) cpSync(join(source, file), join(dir, file));
  }
  return dir;
}

/** Reads the workbench's state from the DOM (runs in the page: self-contained). */
function readState(): Omit<WorkbenchState, 'theme' | 'folder' | 'commands'> {
  const visible = (e: Element | null): boolean => !!e && (e as HTMLElement).offsetParent !== null;
  const text = (e: Element | null | undefined): string | null => e?.textContent?.trim() || null;
  const workbench = document.querySelector('.monaco-workbench')!;
  const sidebar = document.querySelector('.part.sidebar');
  const panel = document.querySelector('.part.panel');
  return {
    kind: ['hc-black', 'hc-light', 'vs-dark', 'vs'].find((k) => workbench.classList.contains(k)) ?? 'vs',
    groups: [...document.querySelectorAll('.editor-group-container')].map((g) => ({
      active: text(g.querySelector('.tab.active .label-name')),
      tabs: [...g.querySelectorAll('.tab .label-name')].map((t) => text(t) ?? ''),
    })),
    sidebar: visible(sidebar) ? text(sidebar!.querySelector('.composite.title h2')) : null,
    explorer: visible(sidebar)
      ? [...document.querySelectorAll('.explorer-folders-view .monaco-list-row .label-name')].map((t) => text(t) ?? '')
      : [],
    terminal: visible(panel) && visible(panel!.querySelector('.xterm')),
    language: text(document.getElementById('status.editor.mode')),
    cursor: text(document.getElementById('status.editor.selection')),
  };
}

/**
 * Commands whose real output a screenshot shows; FILE is a file of the folder, DIR its folder, COUNT a number
 * from 2 to 9: many different command lines, which a model can only answer "what was run?" about by reading.
 */
const COMMANDS = [
  'ls',
  'ls -l | head -n 6',
  'ls DIR',
  'wc -l * | sort -n | tail -n 4',
  'wc -l FILE',
  'head -n 5 FILE',
  'head -n COUNT FILE',
  'tail -n COUNT FILE',
  'grep -n import FILE | head -n 4',
  'grep -c return FILE',
  'du -sh .',
  'du -sh DIR',
  'python3 --version',
  'node --version',
  'cat notes.txt',
  'git status',
  'git log --oneline | head -n COUNT',
];

/** Runs one step of a scene; a failure names the step. */
async function step<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
}

/** Quick Open once more after a miss: now and then it takes the Enter before its list has the file. */
async function openFile(page: Page, file: string): Promise<void> {
  await step(`opening ${file}`, () =>
    open(page, file).catch(async () => {
      await page.keyboard.press('Escape');
      await open(page, file);
    }),
  );
}

/** Brings the workbench into a random state: side bar, tabs, the file and line, a split, a terminal. */
async function arrange(page: Page, rng: Rng, folder: string, files: string[]): Promise<string[]> {
  // From a plain workbench: a terminal left from the last scene would keep the keyboard.
  if (await page.locator('.part.panel .xterm').isVisible())
    await step('closing the terminal', () => palette(page, 'Terminal: Kill All Terminals'));
  if (await page.locator('.part.panel').isVisible())
    await step('hiding the panel', () => palette(page, 'View: Hide Panel'));
  if (await page.locator('.editor-group-container .tab').count())
    await step('closing the editors', () => palette(page, 'View: Close All Editor Groups'));
  const wantSidebar = rng() < 0.8;
  if (wantSidebar !== (await page.locator('.part.sidebar').isVisible()))
    await step('toggling the side bar', () => palette(page, 'View: Toggle Primary Side Bar Visibility'));
  const chosen = [...files].sort(() => rng() - 0.5).slice(0, 4);
  const tabs = 1 + Math.floor(rng() * 3);
  for (const file of chosen.slice(0, tabs)) await openFile(page, file);
  // A line the file has: Go to Line stays open on one beyond its end.
  const length = readFileSync(join(folder, chosen[tabs - 1]!), 'utf8').split('\n').length;
  const line = 1 + Math.floor(rng() * length);
  if (rng() < 0.5) await step(`going to line ${line}`, () => goToLine(page, line));
  if (rng() < 0.25 && chosen.length > tabs) {
    await step('splitting the editor', () => palette(page, 'View: Split Editor Right'));
    await page.locator('.editor-group-container').nth(1).waitFor();
    await openFile(page, chosen[tabs]!);
  }
  if (rng() < 0.4) {
    const file = chosen[0]!;
    const commands = Array.from({ length: 1 + Math.floor(rng() * 2) }, () =>
      pick(rng, COMMANDS)
        .replace('FILE', file)
        .replace('DIR', dirname(file))
        .replace('COUNT', String(2 + Math.floor(rng() * 8))),
    );
    await step(`running ${commands.join('; ')}`, () => runInTerminal(page, commands));
    return commands;
  }
  return [];
}

interface Window {
  theme: string;
  font: string;
  fontSize: number;
  minimap: boolean;
  viewport: { width: number; height: number };
}

function settings(window: Window): Record<string, unknown> {
  return {
    'workbench.colorTheme': window.theme,
    'editor.fontFamily': `'${window.font}', monospace`,
    'editor.fontSize': window.fontSize,
    'editor.minimap.enabled': window.minimap,
  };
}

/**
 * Screenshots of one new page on `folder`, one per look: arranged once (a second arrangement in the same page now
 * and then finds Quick Open deaf to the next file), then shown in each later look's theme. A look that fails ends
 * the scene with the shots taken.
 */
async function captureScene(
  context: BrowserContext,
  origin: string,
  folder: string,
  looks: Window[],
  rng: Rng,
): Promise<{ png: Buffer; truth: object }[]> {
  const page = await context.newPage();
  try {
    await page.setViewportSize(looks[0]!.viewport);
    // Generous while the workbench loads (slow on a busy machine); a scene's step that waits longer is stuck.
    page.setDefaultTimeout(120_000);
    await page.goto(`${origin}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
    page.setDefaultTimeout(15_000);
    const commands = await arrange(page, rng, folder, sourceFiles(folder));
    const shots = [];
    for (const [index, look] of looks.entries()) {
      if (index > 0) {
        const changed = await step(`changing to ${look.theme}`, () => colorTheme(page, look.theme)).then(
          () => true,
          (error: unknown) => {
            console.log(`${basename(folder)}: ${(error as Error).message.split('\n')[0]}`);
            return false;
          },
        );
        if (!changed) break;
      }
      // Not waiting for the language servers: a spinner in the status bar is part of real screenshots too.
      await page.evaluate(() => document.fonts.ready);
      await page.waitForTimeout(1000);
      const { png, truth } = await stableShot(page, 1);
      await page.evaluate('globalThis.__name ??= (f) => f');
      const state: WorkbenchState = {
        theme: look.theme,
        folder: basename(folder),
        commands,
        ...(await page.evaluate(readState)),
      };
      shots.push({ png, truth: { ...state, width: look.viewport.width, height: look.viewport.height, ...truth } });
    }
    return shots;
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'held-out': { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      looks: { type: 'string', default: '1' },
    },
  });
  const [out, countText] = positionals;
  const count = Number(countText);
  const looks = Number(values.looks);
  if (!out || !Number.isInteger(count) || count < 1 || !Number.isInteger(looks) || looks < 1)
    throw new Error('usage: npx tsx scripts/capture-workbenches.ts OUT COUNT [--held-out] [--seed N] [--looks N]');
  const heldOut = values['held-out'];
  const sources = heldOut ? [ROOT] : trainingSources();
  mkdirSync(out, { recursive: true });
  const stateDir = join(STATE_DIR, `state-${values.seed}`);
  let served = await startCaptureServer(stateDir);
  // Each source folder copied once a run: nothing in a scene writes into it.
  const workspaces = new Map<string, string>();
  // One browser context for every scene: its cache saves loading the workbench's scripts each time.
  const launch = async (): Promise<BrowserContext> =>
    (await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })).newContext();
  let context = await launch();
  // Named by seed and number, so that captures with other seeds can share the folder; a rerun goes on from the last.
  const prefix = `${values.seed}-`;
  let index = readdirSync(out).filter((n) => n.startsWith(prefix) && n.endsWith('.png')).length;
  try {
    // Each try has its own generator (seed, try), so a rerun that goes on from the last capture draws new scenes.
    for (let attempt = index; index < count; attempt++) {
      // Each page leaves an extension host behind that the server keeps for minutes in case the page comes
      // back: a fresh server every few scenes keeps them from piling up on the CPU.
      if (attempt % SCENES_PER_SERVER === 0 && attempt !== index) {
        await served.server.stop();
        served = await startCaptureServer(stateDir);
      }
      // The same seed captures the same scenes.
      const rng = mulberry32(Number(values.seed) * 1_000_003 + attempt);
      const themes = heldOut ? HELD_OUT_THEMES : TRAIN_THEMES;
      const window: Window = {
        theme: pick(rng, themes),
        font: pick(rng, FONTS),
        fontSize: 12 + Math.floor(rng() * 5),
        minimap: rng() < 0.7,
        viewport: pick(rng, WINDOWS),
      };
      const scene = [window];
      // Drawn only for a second look, so that a seed taken with one look captures the scenes it did before.
      while (scene.length < Math.min(looks, count - index, themes.length)) {
        const theme = pick(
          rng,
          themes.filter((t) => !scene.some((look) => look.theme === t)),
        );
        scene.push({ ...window, theme });
      }
      served.applySettings(settings(window));
      const source = pick(rng, sources);
      if (!workspaces.has(source))
        workspaces.set(source, workspace(source, heldOut, values.seed, projectName(rng, source)));
      const folder = workspaces.get(source)!;
      const started = Date.now();
      try {
        const shots = await captureScene(context, served.server.origin, folder, scene, rng);
        for (const { png, truth } of shots) {
          const name = `${prefix}${String(index++).padStart(4, '0')}`;
          writeFileSync(join(out, `${name}.png`), png);
          writeFileSync(join(out, `${name}.json`), `${JSON.stringify(truth)}\n`);
        }
      } catch (error) {
        // A scene that fails is skipped; a browser that crashed is started again.
        console.log(`${basename(folder)}: ${(error as Error).message.split('\n')[0]}; skipped`);
      }
      if (!context.browser()!.isConnected()) context = await launch();
      console.log(
        `${index}/${count} ${scene.map((look) => look.theme).join(', ')}, ${basename(folder)}: ${Date.now() - started} ms`,
      );
    }
  } finally {
    await context.browser()!.close();
    await served.server.stop();
  }
}

await main();
