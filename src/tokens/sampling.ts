// Picks the next token from the decoder's logits. The steps and their order follow transformers' generate():
// repetition penalty, then temperature, top-k, top-p, then a draw. Temperature 0 (the default) is greedy.
import type { GenerationOptions } from '../common/protocol.ts';
import TinyQueue from 'tinyqueue';
import { TokenizerError } from './errors.ts';

export type SamplingOptions = Pick<GenerationOptions, 'temperature' | 'topK' | 'topP' | 'repetitionPenalty'>;

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

/**
 * The CTRL rule (as in transformers): for each distinct token already in the sequence, a positive logit is
 * divided by `penalty` and a negative one multiplied by it, so the token becomes less likely either way.
 */
export function applyRepetitionPenalty(logits: Float32Array, sequence: Iterable<number>, penalty: number): Float32Array {
  const result = logits.slice();
  for (const id of new Set(sequence)) {
    const value = logits[id];
    if (value !== undefined) result[id] = value > 0 ? value / penalty : value * penalty;
  }
  return result;
}

/** Throws a 'bad-request' error naming the first option out of range. */
export function checkSamplingOptions(options: SamplingOptions): void {
  const { temperature, topK, topP, repetitionPenalty } = options;
  const fail = (what: string): never => {
    throw new TokenizerError('bad-request', `Invalid generation option: ${what}.`, 'Change the setting and ask again.');
  };
  if (temperature !== undefined && !(temperature >= 0 && Number.isFinite(temperature))) fail(`temperature ${temperature} (0 or more; 0 is greedy)`);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 0)) fail(`topK ${topK} (a whole number; 0 turns it off)`);
  if (topP !== undefined && !(topP > 0 && topP <= 1)) fail(`topP ${topP} (more than 0, at most 1)`);
  if (repetitionPenalty !== undefined && !(repetitionPenalty > 0 && Number.isFinite(repetitionPenalty))) {
    fail(`repetitionPenalty ${repetitionPenalty} (more than 0; 1 turns it off)`);
  }
}

/**
 * The tokens a draw may pick and their probabilities (summing to 1), most likely first, ties to the lower id.
 * top-k keeps every token tied with the k-th logit; top-p keeps the fewest tokens whose probability reaches p.
 * Tokens come off a heap in order, so only the few that are kept get sorted, not the whole vocabulary.
 */
export function candidates(logits: Float32Array, temperature: number, topK = 0, topP = 1): { ids: number[]; probabilities: number[] } {
  const finite: number[] = [];
  for (let id = 0; id < logits.length; id++) if (logits[id]! > -Infinity) finite.push(id);
  if (finite.length === 0) return { ids: [argmax(logits)], probabilities: [1] }; // every logit -∞ or NaN
  const max = logits[argmax(logits)]!;
  const weight = (id: number): number => Math.exp((logits[id]! - max) / temperature);
  // The softmax that top-p cuts is taken over what top-k left; without top-k, over every token.
  let total = topK > 0 ? 0 : finite.reduce((sum, id) => sum + weight(id), 0);
  const order = new TinyQueue(finite, (a, b) => logits[b]! - logits[a]! || a - b); // heapifies `finite` in place
  const ids: number[] = [];
  while (topK > 0 && order.length > 0 && (ids.length < topK || logits[order.peek()!] === logits[ids[topK - 1]!])) {
    ids.push(order.pop()!);
    total += weight(ids[ids.length - 1]!);
  }
  const weights: number[] = [];
  let kept = 0;
  for (let i = 0; topP >= 1 || kept < topP * total; i++) {
    const id = i < ids.length ? ids[i] : topK > 0 ? undefined : order.pop();
    if (id === undefined) break;
    ids[i] = id;
    weights.push(weight(id));
    kept += weights[i]!;
  }
  ids.length = weights.length;
  return { ids, probabilities: weights.map((w) => w / kept) };
}

/**
 * The next token. `sequence` is every id the model has seen and produced (transformers penalizes the prompt's
 * tokens too); `random` yields floats in [0, 1) and is only called when sampling.
 */
export function sampleToken(logits: Float32Array, sequence: Iterable<number>, options: SamplingOptions, random: () => number): number {
  checkSamplingOptions(options);
  const penalty = options.repetitionPenalty ?? 1;
  const scores = penalty === 1 ? logits : applyRepetitionPenalty(logits, sequence, penalty);
  const temperature = options.temperature ?? 0;
  if (temperature === 0) return argmax(scores);
  const { ids, probabilities } = candidates(scores, temperature, options.topK, options.topP);
  let draw = random();
  for (let i = 0; i < ids.length - 1; i++) {
    draw -= probabilities[i]!;
    if (draw < 0) return ids[i]!;
  }
  return ids[ids.length - 1]!;
}
