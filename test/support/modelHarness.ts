// Helpers shared by the model tests: deterministic pixels, grids, our model's logits, and comparisons.
import type { TileGrid } from '../../src/common/protocol.ts';
import { crossContext, DecoderState } from '../../src/decoder/decoder.ts';
import type { ImageMemory } from '../../src/memory/memory.ts';
import { LoadedModel } from '../../src/runtime/model.ts';
import { argmax } from '../../src/tokens/sampling.ts';

export const CPU = { executionProvider: 'cpu', threads: 1, log: () => {} } as const;

export function loadModel(dir: string): Promise<LoadedModel> {
  return LoadedModel.load(dir, CPU);
}

export function grid(rows: number, cols: number, tileSize: number): TileGrid {
  return { rows, cols, tileSize, views: 1 + rows * cols };
}

/** Normalised-looking pixels [views, 3, S, S], different for each seed. */
export function pixels(views: number, size: number, seed: number): Float32Array {
  return Float32Array.from({ length: views * 3 * size * size }, (_, i) => 1.6 * Math.sin(i * 0.37 + seed * 1.7) * Math.cos(i * 0.011 * (seed + 1)));
}

/** Logits at every position of `ids`, computed in one pass. */
export async function allLogits(model: LoadedModel, images: ImageMemory[], ids: number[]): Promise<Float32Array> {
  const state = new DecoderState(model.arch, crossContext(model.arch, images));
  return model.decoder.forward(state, ids, true);
}

/** Greedy decoding with the KV cache: one token per decoder step. */
export async function greedy(model: LoadedModel, images: ImageMemory[], ids: number[], count: number): Promise<number[]> {
  const state = new DecoderState(model.arch, crossContext(model.arch, images));
  let logits = await model.decoder.forward(state, ids);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    logits[model.manifest.tokens.image] = -Infinity; // an <image> token without an image is never generated
    const next = argmax(logits);
    out.push(next);
    logits = await model.decoder.forward(state, [next]);
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

export function std(a: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]!;
    s2 += a[i]! * a[i]!;
  }
  const mean = s / a.length;
  return Math.sqrt(s2 / a.length - mean * mean);
}
