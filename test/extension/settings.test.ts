import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { MAX_PIXELS, resolveSettings, type SettingsContext } from '../../src/extension/settings.ts';

const context: SettingsContext = {
  trusted: true,
  extensionPath: '/ext',
  workspaceFolder: '/projects/space',
  homeDir: '/home/ada',
};

test('defaults: the bundled model and the documented values', () => {
  const settings = resolveSettings({}, context);
  assert.deepEqual(settings.runtime, {
    modelDir: join('/ext', 'models', 'default'),
    executionProvider: 'auto',
    maxTiles: 16,
    maxPixels: MAX_PIXELS,
    threads: 0,
    ocrContext: 'auto',
  });
  assert.deepEqual(settings.generation, { maxNewTokens: 256, temperature: 0 });
  assert.equal(settings.ocrEnabled, true);
  assert.equal(settings.idleTimeoutMs, 300_000);
  assert.equal(settings.modelSource, 'bundled');
  assert.deepEqual(settings.notes, []);
});

test('the most specific scope wins, as in VS Code', () => {
  const settings = resolveSettings(
    {
      maxTiles: { globalValue: 4, workspaceValue: 9, workspaceFolderValue: 25 },
      executionProvider: { globalValue: 'cpu' },
    },
    context,
  );
  assert.equal(settings.runtime.maxTiles, 25);
  assert.equal(settings.runtime.executionProvider, 'cpu');
});

test('model folder from user settings, with ~ expanded', () => {
  const settings = resolveSettings({ modelPath: { globalValue: '~/models/infimm' } }, context);
  assert.equal(settings.runtime.modelDir, join('/home/ada', 'models/infimm'));
  assert.equal(settings.modelSource, 'user settings');
});

test('trusted workspace: its model folder counts, relative to the workspace folder', () => {
  const settings = resolveSettings(
    { modelPath: { globalValue: '/user/model', workspaceValue: 'models/mine' } },
    context,
  );
  assert.equal(settings.runtime.modelDir, join('/projects/space', 'models/mine'));
  assert.equal(settings.modelSource, 'workspace settings');
  assert.deepEqual(settings.notes, []);
});

test('restricted workspace: its model folder is ignored and the user is told why', () => {
  const untrusted = { ...context, trusted: false };
  const withUser = resolveSettings(
    { modelPath: { globalValue: '/user/model', workspaceValue: '/evil/model' } },
    untrusted,
  );
  assert.equal(withUser.runtime.modelDir, '/user/model');
  assert.equal(withUser.modelSource, 'user settings');
  assert.equal(withUser.notes.length, 1);
  assert.match(withUser.notes[0]!, /not trusted.*"\/evil\/model".*ignored.*user settings/);

  const folderScope = resolveSettings({ modelPath: { workspaceFolderValue: '/evil/model' } }, untrusted);
  assert.equal(folderScope.runtime.modelDir, join('/ext', 'models', 'default'));
  assert.match(folderScope.notes[0]!, /bundled package/);
});

test('restricted workspace: other settings still apply', () => {
  const settings = resolveSettings({ maxTiles: { workspaceValue: 4 } }, { ...context, trusted: false });
  assert.equal(settings.runtime.maxTiles, 4);
  assert.deepEqual(settings.notes, []);
});

test('a relative model path without a workspace falls back to the bundled model with a note', () => {
  const settings = resolveSettings({ modelPath: { globalValue: 'models/x' } }, context);
  assert.equal(settings.modelSource, 'bundled');
  assert.match(settings.notes[0]!, /not an absolute path/);
});

test('invalid values fall back to defaults, each with a note saying what is allowed', () => {
  const settings = resolveSettings(
    {
      executionProvider: { globalValue: 'tpu' },
      maxTiles: { globalValue: 0 },
      maxNewTokens: { globalValue: 12.5 },
      temperature: { globalValue: 'hot' },
      'ocr.enabled': { globalValue: 'yes' },
      ocrContext: { globalValue: true },
      idleTimeoutSeconds: { globalValue: -1 },
      threads: { globalValue: 1000 },
    },
    context,
  );
  assert.equal(settings.runtime.executionProvider, 'auto');
  assert.equal(settings.runtime.maxTiles, 16);
  assert.equal(settings.generation.maxNewTokens, 256);
  assert.equal(settings.generation.temperature, 0);
  assert.equal(settings.ocrEnabled, true);
  assert.equal(settings.idleTimeoutMs, 300_000);
  assert.equal(settings.runtime.threads, 0);
  assert.equal(settings.runtime.ocrContext, 'auto');
  assert.equal(settings.notes.length, 8);
  assert.match(
    settings.notes.join('\n'),
    /infimmHd\.executionProvider is "tpu", but it must be one of auto, cpu, webgpu, cuda, dml, coreml/,
  );
  assert.match(
    settings.notes.join('\n'),
    /infimmHd\.ocrContext is true, but it must be one of auto, on, off; using "auto"/,
  );
});

test('OCR context is passed to the runtime, from any scope', () => {
  assert.equal(resolveSettings({ ocrContext: { globalValue: 'off' } }, context).runtime.ocrContext, 'off');
  assert.equal(
    resolveSettings({ ocrContext: { globalValue: 'off', workspaceValue: 'on' } }, { ...context, trusted: false })
      .runtime.ocrContext,
    'on',
  );
});

test('idle timeout 0 keeps the runtime running', () => {
  assert.equal(resolveSettings({ idleTimeoutSeconds: { globalValue: 0 } }, context).idleTimeoutMs, 0);
});
