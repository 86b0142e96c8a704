import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { listFiles } from '@vscode/vsce';
import { readmeForExtensionsView } from '../../scripts/vsix-readme.mjs';
import { requireOrSkip } from '../../harness/requirements.ts';

// vsce's own file selection with the committed .vscodeignore: what `npm run package` puts in the .vsix.
test('the package holds only linux-x64 native binaries and no sources', { timeout: 120_000 }, async (t) => {
  const onLinuxX64 =
    existsSync('node_modules/onnxruntime-node/bin/napi-v6/linux/x64') &&
    existsSync('node_modules/@img/sharp-linux-x64');
  if (!requireOrSkip(t, onLinuxX64, 'the linux-x64 binaries of onnxruntime-node and sharp')) return;
  // As scripts/package.mjs packs it: README.vsix.md made fit for the Extensions view as the README (vsce
  // reads readmePath; its types leave it out).
  const options = { cwd: process.cwd(), ignoreFile: '.vscodeignore', readmePath: '.cache/vsix-readme.md' };
  const files = await listFiles(options);
  const ort = files.filter((f) => f.startsWith('node_modules/onnxruntime-node/bin/'));
  assert.ok(ort.includes('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node'));
  assert.deepEqual(
    ort.filter((f) => !f.startsWith('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/')),
    [],
  );
  const sharp = files.filter((f) => f.startsWith('node_modules/@img/sharp-'));
  assert.ok(sharp.some((f) => f.startsWith('node_modules/@img/sharp-linux-x64/')));
  assert.deepEqual(
    sharp.filter((f) => !/^node_modules\/@img\/sharp-(libvips-)?linux-x64\//.test(f)),
    [],
  );
  assert.ok(files.includes('media/panel.css'));
  // What the user's README names; both READMEs' sources and the inlined screenshots stay out.
  for (const file of ['LICENSE', 'CHANGELOG.md', 'THIRD-PARTY-NOTICES.md', 'docs/model.md'])
    assert.ok(files.includes(file), `${file} is not packaged`);
  for (const file of [
    'README.md',
    'README.vsix.md',
    'docs/panel-light.png',
    'CONTRIBUTING.md',
    'dist/bundled-packages.json',
    'docs/extension.md',
  ]) {
    assert.ok(!files.includes(file), `${file} is packaged`);
  }
  const sources = files.filter(
    (f) => /^(src|webview|test|scripts|python)\//.test(f) || (f.endsWith('.ts') && !f.startsWith('node_modules/')),
  );
  assert.deepEqual(sources, []);
});

// The Extensions view loads images only from https: and data: URLs and follows only web links.
test("the .vsix's README shows its screenshots and has no links that lead nowhere in the Extensions view", () => {
  const source = readFileSync('README.vsix.md', 'utf8');
  const shown = readmeForExtensionsView(source, '.');
  const prose = shown.replace(/`[^`\n]*`/g, '');
  const images = [...prose.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1] ?? '');
  assert.equal(images.length, [...source.matchAll(/!\[[^\]]*\]\(docs\//g)].length);
  assert.ok(images.length >= 2);
  for (const image of images) assert.match(image, /^data:image\/png;base64,/);
  assert.deepEqual(Buffer.from(images[0]?.split(',')[1] ?? '', 'base64'), readFileSync('docs/panel-light.png'));
  const links = [...prose.matchAll(/(?<!!)\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1] ?? '');
  assert.deepEqual(
    links.filter((link) => !/^(https|mailto):/.test(link)),
    [],
  );
  assert.ok(shown.includes('`docs/model.md`'), 'the model card is still named');
  assert.ok(shown.includes('`![alt](path)`'), 'an example in a code span stays as written');
});

test('an image the Extensions view cannot show inlined is refused by name', () => {
  assert.throws(() => readmeForExtensionsView('![diagram](docs/flow.svg)', '.'), /docs\/flow\.svg/);
});
