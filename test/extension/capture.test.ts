import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { captureScreenshot } from '../../src/extension/capture.ts';

test(
  'with no screenshot tool on PATH, capture says what to install and runs nothing',
  { skip: process.platform !== 'linux' && 'Linux looks tools up on PATH' },
  async (t) => {
    const empty = mkdtempSync(join(tmpdir(), 'infimm-no-tools-'));
    const saved = {
      PATH: process.env.PATH,
      WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY,
      XDG_CURRENT_DESKTOP: process.env.XDG_CURRENT_DESKTOP,
    };
    Object.assign(process.env, { PATH: empty, XDG_CURRENT_DESKTOP: 'GNOME' });
    delete process.env.WAYLAND_DISPLAY;
    t.after(() => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      rmSync(empty, { recursive: true, force: true });
    });
    const log: string[] = [];
    const outcome = await captureScreenshot('region', new AbortController().signal, (line) => log.push(line));
    assert.equal(outcome.kind, 'unavailable');
    assert.match(
      outcome.kind === 'unavailable' ? outcome.message : '',
      /Install gnome-screenshot \(sudo apt install gnome-screenshot\)/,
    );
    assert.deepEqual(log, []);
  },
);
