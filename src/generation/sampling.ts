// Picks the next token from processed logits. The steps and their order follow transformers' generate():
// temperature, top-k, top-p, then a draw; temperature 0 (the default) is greedy and never draws.
import TinyQueue from 'tinyqueue';
import type { GenerationOptions } from '../common/protocol.ts';
import { GenerationError } from './errors.ts';

export type SamplingOptions = Pick<GenerationOptions, 'temperature' | 'topK' | 'topP' | 'repetitionPenalty'>;

/** The next token of a step, from its processed logits. */
export type TokenPicker = (logits: Float32Array) => number;

/** Index of the largest logit, the lowest index on ties; NaN never wins. */
export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i]! > bestValue) {
      bestValue = logits[i]!;
      best = i;
    }
  }
  return best;
}

/** Throws a 'bad-request' error naming the first option out of range. */
export function checkSamplingOptions(options: SamplingOptions): void {
  const { temperature, topK, topP, repetitionPenalty } = options;
  const fail = (what: string): never => {
    throw new GenerationError(
      'bad-request',
      `Invalid generation option: ${what}.`,
      'Change the setting and ask again.',
    );
  };
  if (temperature !== undefined && !(temperature >= 0 && Number.isFinite(temperature)))
    fail(`temperature ${temperature} (0 or more; 0 is greedy)`);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 0))
    fail(`topK ${topK} (a whole number; 0 turns it off)`);
  if (topP !== undefined && !(topP > 0 && topP <= 1)) fail(`topP ${topP} (more than 0, at most 1)`);
  if (repetitionPenalty !== undefined && !(repetitionPenalty > 0 && Number.isFinite(repetitionPenalty))) {
    fail(`repetitionPenalty ${repetitionPenalty} (more than 0; 1 turns it off)`);
  }
}

/**
 * The tokens a draw may pick, taken most likely first (ties to the lower id). A token's weight is its
 * probability before normalisation, exp((logit − max) / temperature). The first candidates come off a heap,
 * so only the few that top-k or top-p keep get sorted, not the whole vocabulary.
 */
export interface Candidates {
  peek(): number | undefined;
  pop(): number | undefined;
  logit(id: number): number;
  weight(id: number): number;
  /** The weight of every candidate together. */
  total(): number;
}

/** Cuts the candidates down (top-k, top-p); they stay in order. */
export type Warper = (candidates: Candidates) => Candidates;

/** Every token whose logit is finite, weighted at `temperature` (more than 0). */
export function temperature(logits: Float32Array, temperature: number): Candidates {
  const finite: number[] = [];
  for (let id = 0; id < logits.length; id++) if (logits[id]! > -Infinity) finite.push(id);
  const max = logits[argmax(logits)]!;
  const weight = (id: number): number => Math.exp((logits[id]! - max) / temperature);
  const order = new TinyQueue(finite, (a, b) => logits[b]! - logits[a]! || a - b); // heapifies `finite` in place
  return {
    peek: () => order.peek(),
    pop: () => order.pop(),
    logit: (id) => logits[id]!,
    weight,
    // In id order, as the softmax sums them.
    total: () => {
      let sum = 0;
      for (let id = 0; id < logits.length; id++) if (logits[id]! > -Infinity) sum += weight(id);
      return sum;
    },
  };
}

/** `ids`, in order, out of `from`; `total` is their weight. */
function kept(from: Candidates, ids: number[], total: number): Candidates {
  let next = 0;
  return { peek: () => ids[next], pop: () => ids[next++], logit: from.logit, weight: from.weight, total: () => total };
}

/** The k most likely tokens and every token tied with the k-th; 0 keeps them all. */
export function topK(k: number): Warper {
  if (k === 0) return (candidates) => candidates;
  return (candidates) => {
    const ids: number[] = [];
    let total = 0;
    while (
      candidates.peek() !== undefined &&
      (ids.length < k || candidates.logit(candidates.peek()!) === candidates.logit(ids[k - 1]!))
    ) {
      ids.push(candidates.pop()!);
      total += candidates.weight(ids[ids.length - 1]!);
    }
    return kept(candidates, ids, total);
  };
}

/** The fewest most likely tokens whose probability reaches p, out of what top-k left; 1 keeps them all. */
export function topP(p: number): Warper {
  if (p >= 1) return (candidates) => candidates;
  return (candidates) => {
    const limit = p * candidates.total();
    const ids: number[] = [];
    let total = 0;
    while (total < limit) {
      const id = candidates.pop();
      if (id === undefined) break;
      ids.push(id);
      total += candidates.weight(id);
    }
    return kept(candidates, ids, total);
  };
}

/** The candidates left and their probabilities (summing to 1), most likely first. */
export function distribution(candidates: Candidates): { ids: number[]; probabilities: number[] } {
  const ids: number[] = [];
  const weights: number[] = [];
  let total = 0;
  for (let id = candidates.pop(); id !== undefined; id = candidates.pop()) {
    ids.push(id);
    weights.push(candidates.weight(id));
    total += weights[weights.length - 1]!;
  }
  return { ids, probabilities: weights.map((w) => w / total) };
}

/** What a draw at `temperature` (more than 0) may pick after top-k and top-p (0 and 1 turn them off). */
export function candidates(logits: Float32Array, t: number, k = 0, p = 1): { ids: number[]; probabilities: number[] } {
  const finite = logits.some((value) => value > -Infinity);
  if (!finite) return { ids: [argmax(logits)], probabilities: [1] }; // every logit −∞ or NaN
  return distribution(topP(p)(topK(k)(temperature(logits, t))));
}

/** Greedy at temperature 0, else a draw; `random` yields floats in [0, 1), one per draw. */
export function tokenPicker(options: SamplingOptions, random: () => number): TokenPicker {
  const t = options.temperature ?? 0;
  if (t === 0) return argmax;
  return (logits) => {
    const { ids, probabilities } = candidates(logits, t, options.topK, options.topP);
    let draw = random();
    for (let i = 0; i < ids.length - 1; i++) {
      draw -= probabilities[i]!;
      if (draw < 0) return ids[i]!;
    }
    return ids[ids.length - 1]!;
  };
}
