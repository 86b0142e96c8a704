// Helpers shared by the model tests: deterministic pixels, grids, our model's logits, and comparisons.
import type { TileGrid } from '../src/common/protocol.ts';
import { crossContext, DecoderState } from '../src/decoder/decoder.ts';
import type { ImageMemory } from '../src/memory/memory.ts';
import { LoadedModel } from '../src/runtime/model.ts';
import { greedy as greedyTokens } from '../src/generation/loop.ts';
import { argmax } from '../src/generation/sampling.ts';

export const CPU = { executionProvider: 'cpu', threads: 1, log: () => {} } as const;

export function loadModel(dir: string): Promise<LoadedModel> {
  return LoadedModel.load(dir, CPU);
}

export function grid(rows: number, cols: number, tileSize: number): TileGrid {
  return { rows, cols, tileSize, views: 1 + rows * cols };
}

/** Normalised-looking pixels [views, 3, S, S], different for each seed. */
export function pixels(views: number, size: number, seed: number): Float32Array {
  return Float32Array.from(
    { length: views * 3 * size * size },
    (_, i) => 1.6 * Math.sin(i * 0.37 + seed * 1.7) * Math.cos(i * 0.011 * (seed + 1)),
  );
}

/** Logits at every position of `ids`, computed in one pass. */
export async function allLogits(model: LoadedModel, images: ImageMemory[], ids: number[]): Promise<Float32Array> {
  const state = new DecoderState(model.arch, crossContext(model.arch, images));
  return model.decoder.forward(state, ids, true);
}

/** Greedy decoding with the KV cache, as the runtime generates: one token per decoder step. */
export async function greedy(
  model: LoadedModel,
  images: ImageMemory[],
  ids: number[],
  count: number,
): Promise<number[]> {
  const state = new DecoderState(model.arch, crossContext(model.arch, images));
  return (await greedyTokens(model.decoder, state, ids, model.manifest.tokens.image, count)).ids;
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

/** How a quantised package's logits compare with the reference's, position by position (teacher-forced). */
export interface LogitAgreement {
  positions: number;
  /** Positions whose reference top-2 margin exceeds `marginOfStd` × the reference logits' std. */
  decisive: number;
  /** Fraction of the decisive positions where both pick the same top-1 token. */
  top1: number;
  /** KL(reference ‖ ours) of the next-token distributions, in nats: mean and largest over positions. */
  klMean: number;
  klMax: number;
  /** max |Δlogit| ÷ the reference logits' std. */
  maxDiffOfStd: number;
}

function logSoftmax(row: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]!);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  const log = Math.log(sum) + max;
  return Float64Array.from(row, (v) => v - log);
}

export function logitAgreement(
  ours: Float32Array,
  reference: Float32Array,
  vocab: number,
  marginOfStd = 0.1,
): LogitAgreement {
  const sigma = std(reference);
  const positions = reference.length / vocab;
  let decisive = 0;
  let agree = 0;
  let klSum = 0;
  let klMax = 0;
  for (let p = 0; p < positions; p++) {
    const ref = reference.subarray(p * vocab, (p + 1) * vocab);
    const our = ours.subarray(p * vocab, (p + 1) * vocab);
    const best = argmax(ref);
    let second = -Infinity;
    for (let i = 0; i < vocab; i++) if (i !== best) second = Math.max(second, ref[i]!);
    if (ref[best]! - second > marginOfStd * sigma) {
      decisive++;
      if (argmax(our) === best) agree++;
    }
    const [lp, lq] = [logSoftmax(ref), logSoftmax(our)];
    let kl = 0;
    for (let i = 0; i < vocab; i++) kl += Math.exp(lp[i]!) * (lp[i]! - lq[i]!);
    klSum += kl;
    klMax = Math.max(klMax, kl);
  }
  return {
    positions,
    decisive,
    top1: agree / decisive,
    klMean: klSum / positions,
    klMax,
    maxDiffOfStd: maxAbsDiff(ours, reference) / sigma,
  };
}
