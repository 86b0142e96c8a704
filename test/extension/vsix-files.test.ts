import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { listFiles } from '@vscode/vsce';
import { requireOrSkip } from '../support/requirements.ts';

// vsce's own file selection with the committed .vscodeignore: what `npm run package` puts in the .vsix.
test('the package holds only linux-x64 native binaries and no sources', { timeout: 60_000 }, async (t) => {
  const onLinuxX64 = existsSync('node_modules/onnxruntime-node/bin/napi-v6/linux/x64') && existsSync('node_modules/@img/sharp-linux-x64');
  if (!requireOrSkip(t, onLinuxX64, 'the linux-x64 binaries of onnxruntime-node and sharp')) return;
  // As scripts/package.mjs packs it: README.vsix.md as the README (vsce reads readmePath; its types leave it out).
  const options = { cwd: process.cwd(), ignoreFile: '.vscodeignore', readmePath: 'README.vsix.md' };
  const files = await listFiles(options);
  const ort = files.filter((f) => f.startsWith('node_modules/onnxruntime-node/bin/'));
  assert.ok(ort.includes('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node'));
  assert.deepEqual(ort.filter((f) => !f.startsWith('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/')), []);
  const sharp = files.filter((f) => f.startsWith('node_modules/@img/sharp-'));
  assert.ok(sharp.some((f) => f.startsWith('node_modules/@img/sharp-linux-x64/')));
  assert.deepEqual(sharp.filter((f) => !/^node_modules\/@img\/sharp-(libvips-)?linux-x64\//.test(f)), []);
  assert.ok(files.includes('media/panel.css'));
  // The user's README and what it links to; the developers' README stays out.
  for (const file of ['README.vsix.md', 'LICENSE', 'CHANGELOG.md', 'THIRD-PARTY-NOTICES.md', 'docs/model.md', 'docs/panel-light.png', 'docs/panel-dark.png']) {
    assert.ok(files.includes(file), `${file} is not packaged`);
  }
  for (const file of ['README.md', 'CONTRIBUTING.md', 'dist/bundled-packages.json', 'docs/extension.md']) assert.ok(!files.includes(file), `${file} is packaged`);
  const sources = files.filter((f) => /^(src|webview|test|scripts|python)\//.test(f) || (f.endsWith('.ts') && !f.startsWith('node_modules/')));
  assert.deepEqual(sources, []);
});
