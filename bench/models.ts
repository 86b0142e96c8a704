// Random checkpoints at the benchmark sizes (written by the PyTorch reference) and packages converted from them,
// cached under .cache/bench/ so repeated runs measure, not regenerate.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { convert } from '../src/convert/convert.ts';
import type { WeightPrecision } from '../src/onnx/linear.ts';
import { PACKAGE_VERSION } from '../src/package/manifest.ts';
import { reference } from '../test/support/reference.ts';
import { testTokenizerModel } from '../test/support/tokenizerModel.ts';

export type BenchPreset = 'nano' | '1b';

const CACHE = resolve(import.meta.dirname, '..', '.cache', 'bench');

export async function benchCheckpoint(preset: BenchPreset): Promise<string> {
  const dir = resolve(CACHE, preset, 'checkpoint');
  if (existsSync(dir)) return dir;
  mkdirSync(resolve(CACHE, preset), { recursive: true });
  const temp = `${dir}.partial`;
  rmSync(temp, { recursive: true, force: true });
  reference(['random', '--preset', preset, '--seed', '7', '--out', temp, '--format', 'torch', '--dtype', 'bf16', '--tokenizer', await testTokenizerModel()]);
  renameSync(temp, dir);
  return dir;
}

export async function benchPackage(preset: BenchPreset, precision: WeightPrecision): Promise<string> {
  // Keyed by the package format: a graph change bumps it, and stale packages are converted again.
  const dir = resolve(CACHE, preset, `${precision}-v${PACKAGE_VERSION}`);
  if (!existsSync(dir)) await convert(await benchCheckpoint(preset), dir, { precision });
  return dir;
}
