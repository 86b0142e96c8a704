// The extension's side of a conversion: the real converter in a child process (its TypeScript sources through
// tsx; the extension runs the bundle), its progress, cancel and failures, and where the package goes.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import type { ConvertProgress } from '../../src/common/conversion.ts';
import {
  ConversionCancelledError,
  ConversionFailedError,
  runConversion,
} from '../../src/extension/converter-process.ts';
import { packageFolder } from '../../src/extension/package-folder.ts';
import { readManifest, verifyPackage } from '../../src/package/verify.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { TSX } from '../support/runtime-host.ts';
import { tinyCheckpoint } from '../../harness/tiny-models.ts';

const SCRIPT = resolve(import.meta.dirname, '..', '..', 'src', 'convert', 'cli.ts');

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'infimm-convert-command-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const request = (source: string, outDir: string, log: string[] = []) => ({
  script: SCRIPT,
  execArgv: TSX,
  source,
  outDir,
  precision: 'int4' as const,
  log: (line: string) => log.push(line),
});

describe('converter process', () => {
  test('converts in a child process, reporting progress, into a package that verifies', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const outDir = join(scratch(), 'package');
    const progress: ConvertProgress[] = [];
    const log: string[] = [];
    const result = await runConversion({
      ...request(await tinyCheckpoint(), outDir, log),
      onProgress: (p) => progress.push(p),
    });
    assert.equal(result.outDir, outDir);
    assert.ok(progress.length > 0 && progress.every((p) => p.bytesTotal > 0 && p.tensor !== ''));
    assert.ok(
      log.some((line) => /writing .*\.package\.partial-\d+ on \d+ thread/.test(line)),
      log.join('\n'),
    );
    const manifest = readManifest(outDir);
    assert.equal(manifest.weights.precision, 'int4');
    await verifyPackage(outDir, manifest);
  });

  test('cancel stops the converter and leaves nothing behind', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const parent = scratch();
    const abort = new AbortController();
    const converting = runConversion({
      ...request(await tinyCheckpoint(), join(parent, 'package')),
      signal: abort.signal,
      onProgress: () => abort.abort(),
    });
    await assert.rejects(converting, ConversionCancelledError);
    assert.deepEqual(readdirSync(parent), []);
  });

  test('not a checkpoint, a damaged one and an output that is a file fail with their kind and a message', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const parent = scratch();
    const checkpoint = join(parent, 'checkpoint');
    cpSync(await tinyCheckpoint(), checkpoint, { recursive: true });
    const empty = join(parent, 'empty');
    mkdirSync(empty);
    await assert.rejects(
      runConversion(request(empty, join(parent, 'a'))),
      (e: unknown) =>
        e instanceof ConversionFailedError && e.failure === 'checkpoint' && /config\.json/.test(e.message),
    );
    const weights = join(checkpoint, 'pytorch_model.bin');
    truncateSync(weights, Math.floor(statSync(weights).size / 2));
    await assert.rejects(
      runConversion(request(checkpoint, join(parent, 'b'))),
      (e: unknown) =>
        e instanceof ConversionFailedError && e.failure === 'checkpoint' && /pytorch_model\.bin/.test(e.message),
    );
    await assert.rejects(
      runConversion(request(await tinyCheckpoint(), join(weights, 'package'))),
      (e: unknown) => e instanceof ConversionFailedError && e.failure === 'output',
    );
    assert.deepEqual(readdirSync(parent).sort(), ['checkpoint', 'empty']);
  });
});

test('the package goes into the picked folder when it is empty, else into a new folder inside it', () => {
  assert.equal(packageFolder('/m', [], 'ckpt', 'int4'), '/m');
  assert.equal(packageFolder('/m', ['notes.txt'], 'ckpt', 'int4'), join('/m', 'ckpt-int4'));
  assert.equal(packageFolder('/m', ['ckpt-int4', 'ckpt-int4-2'], 'ckpt', 'int4'), join('/m', 'ckpt-int4-3'));
  // A conversion still running there writes a hidden partial folder: not taken over either.
  assert.equal(packageFolder('/m', ['.ckpt-int4.partial-42'], 'ckpt', 'int4'), join('/m', 'ckpt-int4-2'));
  assert.equal(packageFolder('/m', ['.ckpt-int4-old'], 'ckpt', 'int4'), join('/m', 'ckpt-int4'));
});
