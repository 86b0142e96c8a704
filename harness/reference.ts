// Drives the PyTorch reference (python/infimm/reference.py) from the tests: random checkpoints, and the
// reference's outputs for given pixels and token ids, exchanged as raw little-endian files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PYTHON } from './requirements.ts';

const PYTHON_DIR = resolve(import.meta.dirname, '..', 'python');

export function reference(args: string[]): void {
  execFileSync(PYTHON, ['-m', 'infimm.reference', ...args], {
    cwd: PYTHON_DIR,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export interface ReferenceImage {
  /** [views, 3, S, S], thumbnail first. */
  pixels: Float32Array;
  views: number;
  size: number;
  rows: number;
  cols: number;
}

export interface ReferenceRequest {
  images: ReferenceImage[];
  inputIds: number[];
  outputs: Array<'features' | 'memory' | 'logits'>;
  greedy?: number;
  stopIds?: number[];
}

export type ReferenceOutputs = Map<string, { data: Float32Array | BigInt64Array; shape: number[] }>;

export function runReference(checkpointDir: string, request: ReferenceRequest): ReferenceOutputs {
  const dir = mkdtempSync(join(tmpdir(), 'infimm-ref-'));
  const images = request.images.map((image, n) => {
    const file = join(dir, `pixels.${n}.f32`);
    writeFileSync(file, new Uint8Array(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength));
    return { pixels: file, shape: [image.views, 3, image.size, image.size], rows: image.rows, cols: image.cols };
  });
  const requestFile = join(dir, 'request.json');
  writeFileSync(
    requestFile,
    JSON.stringify({
      images,
      input_ids: request.inputIds,
      outputs: request.outputs,
      greedy: request.greedy ?? 0,
      stop_ids: request.stopIds ?? [],
    }),
  );
  const out = join(dir, 'out');
  reference(['run', '--checkpoint', checkpointDir, '--request', requestFile, '--out', out]);
  const index = JSON.parse(readFileSync(join(out, 'outputs.json'), 'utf8')) as Record<
    string,
    { file: string; shape: number[] }
  >;
  const result: ReferenceOutputs = new Map();
  for (const [name, { file, shape }] of Object.entries(index)) {
    const bytes = readFileSync(join(out, file));
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    result.set(name, { data: file.endsWith('.i64') ? new BigInt64Array(buffer) : new Float32Array(buffer), shape });
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}
