// The layer table of docs/architecture.md, the file-name case and the function length, as `npm run lint` enforces
// them: snippets linted with the repository's own ESLint configuration under paths of the folders they pretend to be in.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

/** The messages of `rule` for `code` linted as the file `path` (relative to the repository). */
async function messages(path: string, code: string, rule = 'layers/imports'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return result!.messages.filter((m) => m.ruleId === rule).map((m) => m.message);
}

test('a stage may not import a later stage, nor a folder its row leaves out', async () => {
  assert.deepEqual(await messages('src/memory/example.ts', "import { DecoderIO } from '../decoder/io.ts';\n"), [
    'src/memory/ may not import src/decoder/io.ts: docs/architecture.md lets it import src/onnx/, src/package/, src/common/',
  ]);
  assert.equal((await messages('src/package/example.ts', "export { linear } from '../onnx/linear.ts';\n")).length, 1);
  assert.equal((await messages('src/common/example.ts', "const m = await import('../host/engine.ts');\n")).length, 1);
});

test('an import the table allows passes', async () => {
  assert.deepEqual(
    await messages(
      'src/decoder/example.ts',
      "import { MemoryIO } from '../memory/io.ts';\nimport { DecoderIO } from './io.ts';\n",
    ),
    [],
  );
  assert.deepEqual(
    await messages('bench/example.ts', "import { tinyPackage } from '../harness/tiny-models.ts';\n"),
    [],
  );
});

test('a single file of a folder can be allowed without the rest of it', async () => {
  assert.deepEqual(
    await messages('src/extension/example.ts', "import { RuntimeClient } from '../host/client.ts';\n"),
    [],
  );
  assert.equal((await messages('src/extension/example.ts', "import { Engine } from '../host/engine.ts';\n")).length, 1);
});

test('benchmarks and scripts do not import the tests', async () => {
  assert.equal(
    (await messages('bench/example.ts', "import { dequantizedCheckpoint } from '../test/support/dequantized.ts';\n"))
      .length,
    1,
  );
  assert.equal(
    (await messages('scripts/gpu/example.ts', "import { startSession } from '../../test/e2e/support/suite.ts';\n"))
      .length,
    1,
  );
});

test('a package with one importer in the product is imported by that folder alone', async () => {
  assert.deepEqual(await messages('src/tiles/example.ts', "import sharp from 'sharp';\n"), [
    'only src/image/ imports sharp (docs/architecture.md)',
  ]);
  assert.equal((await messages('webview/example.ts', "import * as ort from 'onnxruntime-node';\n")).length, 1);
  assert.deepEqual(await messages('src/image/example.ts', "import sharp from 'sharp';\n"), []);
  assert.deepEqual(await messages('test/image/example.ts', "import sharp from 'sharp';\n"), []);
});

test('ONNX Runtime is reached through the session interface: src/onnx/ort.ts is imported by src/onnx/ alone', async () => {
  assert.deepEqual(await messages('src/vision/example.ts', "import { openModel } from '../onnx/ort.ts';\n"), [
    'only src/onnx/ imports src/onnx/ort.ts (docs/architecture.md)',
  ]);
  assert.equal((await messages('src/ocr/example.ts', "import * as ort from 'onnxruntime-node';\n")).length, 1);
  assert.deepEqual(
    await messages('src/vision/example.ts', "import type { ModelSession } from '../onnx/model-session.ts';\n"),
    [],
  );
  assert.deepEqual(await messages('src/onnx/example.ts', "import { openModel } from './ort.ts';\n"), []);
  assert.deepEqual(await messages('test/ocr/example.ts', "import { openModel } from '../../src/onnx/ort.ts';\n"), []);
});

test('the webview and src/common/ import no Node module', async () => {
  assert.equal(
    (await messages('webview/example.ts', "import { readFileSync } from 'node:fs';\n", 'no-restricted-imports')).length,
    1,
  );
  assert.equal(
    (await messages('src/common/example.ts', "import { join } from 'node:path';\n", 'no-restricted-imports')).length,
    1,
  );
});

test('every folder under src/ has a row in the table', async () => {
  for (const dir of readdirSync(join(ROOT, 'src')))
    assert.deepEqual(await messages(`src/${dir}/example.ts`, 'export {};\n'), [], dir);
  assert.deepEqual(await messages('src/unlisted/example.ts', 'export {};\n'), [
    'src/unlisted/ has no row in the layer table of docs/architecture.md',
  ]);
});

test('file names are kebab-case', async () => {
  assert.deepEqual(await messages('src/host/imageCache.ts', 'export {};\n', 'file-names/kebab'), [
    'imageCache.ts: file names are kebab-case (words in lower case joined by "-")',
  ]);
  assert.equal((await messages('test/host/Image_cache.test.ts', 'export {};\n', 'file-names/kebab')).length, 1);
  assert.deepEqual(await messages('test/host/image-cache.test.ts', 'export {};\n', 'file-names/kebab'), []);
});

test('no function in src/ or webview/ runs past 80 lines', async () => {
  /** A function of `lines` lines in all. */
  const fn = (lines: number): string =>
    `export function f(): number {\n  let a = 1;\n${'  a += 1;\n'.repeat(lines - 4)}  return a;\n}\n`;
  for (const path of ['src/vision/example.ts', 'src/ocr/example.ts', 'webview/example.ts']) {
    assert.equal((await messages(path, fn(81), 'max-lines-per-function')).length, 1, path);
    assert.deepEqual(await messages(path, fn(80), 'max-lines-per-function'), [], path);
  }
});
