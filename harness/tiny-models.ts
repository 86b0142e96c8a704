// Tiny random InfiMM-HD checkpoints written by the PyTorch reference (cached under .cache/ by their spec and
// the reference's source), and model packages converted from them by the project's converter.
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { convert } from '../src/convert/convert.ts';
import type { ActivationPrecision, WeightPrecision } from '../src/common/precision.ts';
import { reference } from './reference.ts';
import { testTokenizerModel } from './tokenizer-model.ts';

export interface CheckpointSpec {
  preset?: 'tiny' | 'tiny-gqa' | 'nano' | '1b';
  seed?: number;
  format?: 'torch' | 'safetensors' | 'sharded';
  /** A wrapper prefix for every key, as a model class wrapping the Flamingo module writes (e.g. 'model.'). */
  prefix?: string;
  dtype?: 'bf16' | 'f16' | 'f32';
  zeroGates?: boolean;
}

const ROOT = resolve(import.meta.dirname, '..');

function sourceHash(): string {
  const dir = join(ROOT, 'python', 'infimm');
  const hash = createHash('sha256');
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.py'))
    .sort())
    hash.update(f).update(readFileSync(join(dir, f)));
  return hash.digest('hex');
}

export async function tinyCheckpoint(spec: CheckpointSpec = {}): Promise<string> {
  const full = { preset: 'tiny', seed: 1, format: 'torch', prefix: '', dtype: 'bf16', zeroGates: false, ...spec };
  const tokenizer = await testTokenizerModel();
  const key = createHash('sha256')
    .update(JSON.stringify(full))
    .update(sourceHash())
    .update(readFileSync(tokenizer))
    .digest('hex')
    .slice(0, 16);
  const dir = join(ROOT, '.cache', 'checkpoints', key);
  if (existsSync(dir)) return dir;
  mkdirSync(join(ROOT, '.cache', 'checkpoints'), { recursive: true });
  const temp = `${dir}.partial-${process.pid}`;
  const args = [
    'random',
    '--preset',
    full.preset,
    '--seed',
    String(full.seed),
    '--out',
    temp,
    '--format',
    full.format,
    '--dtype',
    full.dtype,
    '--tokenizer',
    tokenizer,
  ];
  if (full.prefix) args.push('--prefix', full.prefix);
  if (full.zeroGates) args.push('--zero-gates');
  reference(args);
  renameSync(temp, dir);
  return dir;
}

const packages = new Map<string, Promise<string>>();

/** A package converted from a tiny checkpoint, once per test process. */
export function tinyPackage(
  spec: CheckpointSpec & { precision?: WeightPrecision; activations?: ActivationPrecision } = {},
): Promise<string> {
  const key = JSON.stringify(spec);
  let made = packages.get(key);
  if (!made) {
    made = (async () => {
      const checkpoint = await tinyCheckpoint(spec);
      const parent = mkdtempSync(join(tmpdir(), 'infimm-pkg-'));
      process.once('exit', () => rmSync(parent, { recursive: true, force: true }));
      const out = join(parent, 'package');
      await convert(checkpoint, out, {
        precision: spec.precision ?? 'fp32',
        ...(spec.activations ? { activations: spec.activations } : {}),
      });
      return out;
    })();
    packages.set(key, made);
  }
  return made;
}

/** A copy of the tiny package whose manifest declares an OCR context of `maxTokens`, as a model trained with it does. */
export async function ocrContextPackage(maxTokens: number): Promise<string> {
  const parent = mkdtempSync(join(tmpdir(), 'infimm-pkg-'));
  process.once('exit', () => rmSync(parent, { recursive: true, force: true }));
  const dir = join(parent, 'package');
  cpSync(await tinyPackage(), dir, { recursive: true });
  const manifestFile = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { prompt: Record<string, unknown> };
  manifest.prompt['ocrContext'] = { maxTokens };
  writeFileSync(manifestFile, JSON.stringify(manifest));
  return dir;
}
