// Real workbench screenshots for the bundled model (scripts/capture-workbenches.ts, python/infimm/data/captures.py):
// a short capture from code-server, then the questions built from it. The state read from the DOM must agree
// with what the screenshot shows: the open files, the language and the folder are among the visible texts, a
// terminal's commands are in the panel, and the theme's answer follows its kind. Each workbench is shot in two
// themes (--looks 2): the second look shows the same scene in its own colours.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { CODE_SERVER_BIN } from '../../harness/vscode/code-server.ts';
import { CHROMIUM } from '../../harness/vscode/workbench.ts';
import { hasProgram, hasPythonModule, PYTHON, requireOrSkip } from '../../harness/requirements.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const LIGHT_THEMES = /Light/;

interface Checked {
  size: [number, number];
  window: [number, number];
  theme: string;
  theme_answer: string;
  kind_known: boolean;
  open_shown: boolean;
  language_shown: boolean;
  folder_shown: boolean;
  commands_shown: boolean | null;
  terminal: boolean;
  rows: number;
  rows_numbered: boolean;
  kinds: string[];
  chat_transcribes: boolean;
  boxes_inside: boolean;
}

test('a capture of code-server gives screenshots whose questions are answered by what they show', (t) => {
  const available = existsSync(join(ROOT, CODE_SERVER_BIN)) && hasProgram(CHROMIUM) && hasPythonModule('PIL');
  if (!requireOrSkip(t, available, 'code-server (node scripts/e2e-setup.mjs), Chromium and python3-pil')) return;
  const out = mkdtempSync(join(tmpdir(), 'captures-'));
  try {
    execFileSync('npx', ['tsx', 'scripts/capture-workbenches.ts', out, '8', '--seed', '7', '--looks', '2'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const {
      synthetic_chat_transcribes,
      two_folders,
      captures: checked,
    } = JSON.parse(
      execFileSync(PYTHON, [join(import.meta.dirname, 'captures_checks.py'), out], {
        env: { ...process.env, PYTHONPATH: join(ROOT, 'python') },
        encoding: 'utf8',
      }),
    ) as { synthetic_chat_transcribes: boolean; two_folders: boolean; captures: Checked[] };
    assert.equal(synthetic_chat_transcribes, true);
    assert.equal(two_folders, true);
    // A scene may be skipped when the workbench is slow, not most of them.
    assert.ok(checked.length >= 6, `${checked.length} captures`);
    for (const c of checked) {
      assert.deepEqual(c.size, c.window);
      assert.ok(c.kind_known && c.boxes_inside && !c.chat_transcribes);
      assert.equal(c.theme_answer, LIGHT_THEMES.test(c.theme) ? 'light' : 'dark', c.theme);
      assert.ok(c.open_shown && c.language_shown && c.folder_shown, JSON.stringify(c));
      if (c.terminal) assert.equal(c.commands_shown, true, JSON.stringify(c));
      assert.ok(c.rows > 0 && c.rows_numbered);
      assert.deepEqual(c.kinds, ['count', 'description', 'reading', 'ui_state']);
    }
    // Shots in name order: a second look follows its first, with the same files, tabs and commands.
    const states = readdirSync(out)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => JSON.parse(readFileSync(join(out, name), 'utf8')) as Record<string, unknown>);
    const scene = ({ folder, groups, commands, cursor }: Record<string, unknown>) =>
      JSON.stringify({ folder, groups, commands, cursor });
    const looks = states.filter(
      (s, i) => i > 0 && scene(s) === scene(states[i - 1]!) && s.theme !== states[i - 1]!.theme,
    );
    assert.ok(looks.length >= 2, `${looks.length} second looks`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
