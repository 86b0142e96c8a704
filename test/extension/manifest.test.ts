import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { IMAGE_EXTENSIONS } from '../../src/extension/image-files.ts';
import { SETTING_KEYS, resolveSettings } from '../../src/extension/settings.ts';

interface Manifest {
  name: string;
  publisher: string;
  main: string;
  icon: string;
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { title: string; properties: Record<string, { default: unknown; enum?: string[] }> };
  };
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;

test('the nine commands exist with exactly these ids, all under one category', () => {
  assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), [
    'infimmHd.askAboutImage',
    'infimmHd.convertCheckpoint',
    'infimmHd.describeDiagram',
    'infimmHd.explainScreenshot',
    'infimmHd.insertAltText',
    'infimmHd.openPanel',
    'infimmHd.restartRuntime',
    'infimmHd.selectModelFolder',
    'infimmHd.showLogs',
  ]);
  for (const c of manifest.contributes.commands) assert.equal(c.category, 'InfiMM-HD');
});

test('images are reachable from the Explorer and from the image preview', () => {
  const explorer = manifest.contributes.menus['explorer/context']!.find((m) => m.command === 'infimmHd.askAboutImage');
  const when = explorer?.when ?? '';
  const pattern = new RegExp(/=~ \/(.*)\/i/.exec(when)![1]!, 'i');
  // The menus offer exactly the formats the extension accepts, and no format the runtime cannot read (BMP).
  for (const ext of [...IMAGE_EXTENSIONS, 'PNG']) assert.ok(pattern.test(`.${ext}`), ext);
  for (const ext of ['.txt', '.drawio', '.pngx', '.bmp']) assert.ok(!pattern.test(ext), ext);
  for (const menu of manifest.contributes.menus['explorer/context']!)
    assert.equal(menu.when, when, `${menu.command} offers the same formats`);
  const title = manifest.contributes.menus['editor/title']!.find((m) => m.command === 'infimmHd.askAboutImage');
  assert.equal(title?.when, 'activeCustomEditorId == imagePreview.previewEditor');
});

test('every setting is declared with the default the resolver uses', () => {
  const properties = manifest.contributes.configuration.properties;
  assert.deepEqual(Object.keys(properties).sort(), SETTING_KEYS.map((k) => `infimmHd.${k}`).sort());
  const defaults = resolveSettings({}, { trusted: true, extensionPath: '/ext', homeDir: '/h' });
  assert.equal(properties['infimmHd.modelPath']!.default, '');
  assert.equal(properties['infimmHd.executionProvider']!.default, defaults.runtime.executionProvider);
  assert.deepEqual(properties['infimmHd.executionProvider']!.enum, ['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml']);
  assert.equal(properties['infimmHd.maxTiles']!.default, defaults.runtime.maxTiles);
  assert.equal(properties['infimmHd.maxNewTokens']!.default, defaults.generation.maxNewTokens);
  assert.equal(properties['infimmHd.temperature']!.default, defaults.generation.temperature);
  assert.equal(properties['infimmHd.ocr.enabled']!.default, defaults.ocrEnabled);
  assert.equal(properties['infimmHd.idleTimeoutSeconds']!.default, defaults.idleTimeoutMs / 1000);
  assert.equal(properties['infimmHd.threads']!.default, defaults.runtime.threads);
  assert.equal(properties['infimmHd.ocrContext']!.default, defaults.runtime.ocrContext);
  assert.deepEqual(properties['infimmHd.ocrContext']!.enum, ['auto', 'on', 'off']);
});

test('Workspace Trust: the model folder is a restricted setting', () => {
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, ['infimmHd.modelPath']);
});

test('VS Code version: engine ^1.90.0 with matching 1.90 API types', () => {
  assert.equal(manifest.engines.vscode, '^1.90.0');
  assert.match(manifest.devDependencies['@types/vscode']!, /^1\.90\.\d+$/);
  assert.match(manifest.devDependencies['@vscode/vsce']!, /^3\.9\.\d+$/);
});

test('the entry point is the bundle, and the icon and panel assets exist', () => {
  assert.equal(manifest.main, './dist/extension.cjs');
  assert.ok(existsSync(manifest.icon));
  assert.ok(existsSync('media/panel.css'));
  assert.ok(manifest.activationEvents.includes('onLanguage:markdown'));
});

test('settings show as "Model Path" under the "InfiMM-HD" section, not as "Infimm Hd: Model Path"', () => {
  assert.equal(manifest.contributes.configuration.title, 'InfiMM-HD');
  // VS Code's settings editor drops a setting's prefix from its label when a part of the extension id,
  // hyphens removed, equals that prefix (settingKeyToDisplayFormat's trimCategoryForGroup).
  const idParts = [manifest.publisher, manifest.name].map((part) => part.replace(/-/g, '').toLowerCase());
  for (const key of Object.keys(manifest.contributes.configuration.properties)) {
    const prefix = key.slice(0, key.lastIndexOf('.')).split('.')[0]!.toLowerCase();
    assert.ok(idParts.includes(prefix), `${key}: its label would start with "${prefix}"`);
  }
});

test("no project .npmrc: npm would warn on every command about an unknown config; allowScripts skips onnxruntime-node's GPU download", () => {
  assert.equal(existsSync('.npmrc'), false);
  const { allowScripts } = JSON.parse(readFileSync('package.json', 'utf8')) as {
    allowScripts: Record<string, boolean>;
  };
  assert.equal(allowScripts['onnxruntime-node'], false);
});
