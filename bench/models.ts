// Random checkpoints at the benchmark sizes (written by the PyTorch reference) and packages converted from them,
// cached under .cache/bench/ so repeated runs measure, not regenerate.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { convert } from '../src/convert/convert.ts';
import type { WeightPrecision } from '../src/common/precision.ts';
import { reference } from '../harness/reference.ts';
import { testTokenizerModel } from '../harness/tokenizer-model.ts';

export type BenchPreset = 'nano' | '1b';

const ROOT = resolve(import.meta.dirname, '..');
const CACHE = resolve(ROOT, '.cache', 'bench');

/** The sources a package's bytes depend on. */
export const PACKAGE_SOURCES = ['src/convert', 'src/decoder', 'src/onnx', 'src/vision', 'src/memory', 'src/package'];

/** A hash of the TypeScript sources at `paths` (files or folders): a cached file made by older code is made again. */
export function sourceHash(paths: string[]): string {
  const hash = createHash('sha256');
  const walk = (path: string): void => {
    if (statSync(path).isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
    else if (path.endsWith('.ts')) hash.update(path.slice(ROOT.length)).update(readFileSync(path));
  };
  for (const path of paths) walk(join(ROOT, path));
  return hash.digest('hex').slice(0, 12);
}

export async function benchCheckpoint(preset: BenchPreset): Promise<string> {
  const dir = resolve(CACHE, preset, 'checkpoint');
  if (existsSync(dir)) return dir;
  mkdirSync(resolve(CACHE, preset), { recursive: true });
  const temp = `${dir}.partial`;
  rmSync(temp, { recursive: true, force: true });
  reference([
    'random',
    '--preset',
    preset,
    '--seed',
    '7',
    '--out',
    temp,
    '--format',
    'torch',
    '--dtype',
    'bf16',
    '--tokenizer',
    await testTokenizerModel(),
  ]);
  renameSync(temp, dir);
  return dir;
}

export async function benchPackage(preset: BenchPreset, precision: WeightPrecision): Promise<string> {
  // Keyed by the converter's sources: packages made by older code are converted again.
  const dir = resolve(CACHE, preset, `${precision}-${sourceHash(PACKAGE_SOURCES)}`);
  if (!existsSync(dir)) await convert(await benchCheckpoint(preset), dir, { precision });
  return dir;
}
