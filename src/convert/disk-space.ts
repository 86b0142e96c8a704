// Before anything is written: how large the package will be, and whether its disk has room for it. A conversion
// that runs out of space after 15 minutes wastes them; this one refuses at once and names both figures.
import { statfs } from 'node:fs/promises';
import type { TensorEntry } from '../checkpoint/index.ts';
import { elementCount } from '../checkpoint/checkpoint.ts';
import type { WeightPrecision } from '../common/precision.ts';
import { formatBytes } from '../common/conversion.ts';
import { ConvertError } from './errors.ts';

/** Graph files, the tokenizer, rotary tables and alignment padding: small beside the weights, counted generously. */
const FIXED_BYTES = 64 * 2 ** 20;
const ALIGNMENT_PER_TENSOR = 3 * 64;

/**
 * Bytes per weight in the package, an upper bound: Linear weights (2-D `.weight`) in the package's precision
 * (int4/int8 blocks of 32 carry a 4-byte scale and at most one byte of zero point each), the token embeddings
 * in fp16 below fp32 (a Gather has no quantised kernel), everything else (norms, biases, convolution,
 * positions) counted as fp32.
 */
function bytesPerWeight(name: string, shape: readonly number[], precision: WeightPrecision): number {
  if (precision === 'fp32') return 4;
  if (name.endsWith('embed_tokens.weight')) return 2;
  if (shape.length !== 2 || !name.endsWith('.weight')) return 4;
  return { fp16: 2, int8: 1 + 5 / 32, int4: 0.5 + 5 / 32 }[precision];
}

export function estimatePackageBytes(
  tensors: ReadonlyMap<string, { entry: TensorEntry }>,
  precision: WeightPrecision,
): number {
  let bytes = FIXED_BYTES;
  for (const [name, { entry }] of tensors)
    bytes += elementCount(entry.shape) * bytesPerWeight(name, entry.shape, precision) + ALIGNMENT_PER_TENSOR;
  return Math.ceil(bytes);
}

/** Free bytes for an unprivileged writer on the disk holding `folder`. */
export async function freeBytes(folder: string): Promise<number> {
  const stats = await statfs(folder);
  return stats.bavail * stats.bsize;
}

/** Throws, naming both sizes, when `needed` bytes will not fit on the disk holding `folder`. */
export async function ensureFreeSpace(folder: string, needed: number): Promise<number> {
  const free = await freeBytes(folder);
  if (needed > free) {
    throw new ConvertError(
      `not enough disk space: the package needs about ${formatBytes(needed)} and ${formatBytes(free)} is free; free ${formatBytes(needed - free)} or choose an output folder on another disk`,
      folder,
      undefined,
      'no-space',
    );
  }
  return free;
}
