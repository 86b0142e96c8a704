// Before a package loads: does it fit in the memory that is free? A model larger than that does not fail
// cleanly; the kernel's OOM killer ends the runtime host mid-load, so the user gets a refusal in words instead.
import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { RuntimeFailure } from '../common/errors.ts';
import type { Manifest } from '../package/manifest.ts';

const GIB = 1024 ** 3;

/**
 * ONNX Runtime holds each weight once plus prepacked copies and activations that grow with it; the host, OCR stage
 * and buffers add a fixed part. Measured at the released size in int4: 10.7 GiB of files, 16.2 GiB peak (× 1.42).
 */
const WEIGHT_FACTOR = 1.5;
const FIXED_BYTES = 1 * GIB;

export class MemoryError extends RuntimeFailure<'not-enough-memory'> {}

/** Bytes a loaded package takes at most: its files (graphs and weights) by the factor, plus the fixed part. */
export function memoryNeeded(manifest: Pick<Manifest, 'files'>): number {
  const bytes = Object.values(manifest.files).reduce((sum, file) => sum + file.bytes, 0);
  return bytes * WEIGHT_FACTOR + FIXED_BYTES;
}

/** A `/proc/meminfo` or cgroup file's number, or undefined where it is absent or "max". */
function readNumber(path: string, pattern?: RegExp): number | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    const match = pattern ? pattern.exec(text)?.[1] : text.trim();
    const value = match === undefined || match === 'max' ? NaN : Number(match);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Memory this process can still take: Linux's MemAvailable (free plus reclaimable cache, unlike `os.freemem()`),
 * capped by a cgroup v2 limit (containers, systemd slices) where one is set; elsewhere `os.freemem()`.
 */
export function availableMemory(): number {
  const kib = readNumber('/proc/meminfo', /^MemAvailable:\s+(\d+) kB$/m);
  const available = kib === undefined ? freemem() : kib * 1024;
  const limit = readNumber('/sys/fs/cgroup/memory.max');
  const used = readNumber('/sys/fs/cgroup/memory.current');
  return limit !== undefined && used !== undefined ? Math.min(available, Math.max(0, limit - used)) : available;
}

const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;

/** Throws a MemoryError naming both sizes when the package needs more than `available` bytes. */
export function checkMemory(
  manifest: Pick<Manifest, 'name' | 'files' | 'weights'>,
  available = availableMemory(),
): void {
  const needed = memoryNeeded(manifest);
  if (needed <= available) return;
  const smaller =
    manifest.weights.precision === 'int4'
      ? 'a smaller model'
      : 'an int4 conversion of this checkpoint (about a quarter of fp16)';
  throw new MemoryError(
    'not-enough-memory',
    `The model ${manifest.name} needs about ${gib(needed)} of memory and ${gib(available)} is free.`,
    `Close other programs and try again, or use ${smaller}.`,
  );
}
