import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GenerationError } from '../../src/generation/errors.ts';
import { processLogits, repetitionPenalty } from '../../src/generation/processors.ts';
import {
  argmax,
  candidates,
  checkSamplingOptions,
  temperature,
  tokenPicker,
  topK,
  topP,
  type SamplingOptions,
} from '../../src/generation/sampling.ts';
import { mulberry32 } from '../../src/tokens/random.ts';

const logits = (...values: number[]): Float32Array => Float32Array.from(values);
const never = (): number => assert.fail('greedy decoding must not draw');

test('argmax takes the lowest index on ties and ignores NaN', () => {
  const table: [Float32Array, number][] = [
    [logits(1, 3, 2), 1],
    [logits(5, 5, 5), 0],
    [logits(-2, -1, -1), 1],
    [logits(NaN, 0, NaN), 1],
    [logits(-Infinity, -Infinity), 0],
  ];
  for (const [input, expected] of table) assert.equal(argmax(input), expected, String(input));
});

test('greedy is the default and ignores top-k and top-p; the penalty applies to it', () => {
  const table: [number[], number[], SamplingOptions, number][] = [
    [[1, 3, 2], [], {}, 1],
    [[1, 3, 2], [], { temperature: 0, topK: 1, topP: 0.1 }, 1],
    [[1, 3, 2], [1], { repetitionPenalty: 2 }, 2],
    [[-1, -3, -2], [0], { repetitionPenalty: 3 }, 2],
  ];
  for (const [input, sequence, options, expected] of table) {
    const scores = processLogits([repetitionPenalty(options.repetitionPenalty ?? 1)], logits(...input), sequence);
    assert.equal(tokenPicker(options, never)(scores), expected, JSON.stringify(options));
  }
});

test('top-k keeps ties with the k-th logit; top-p keeps the fewest tokens reaching p', () => {
  const l = logits(Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05));
  const table: [Float32Array, number, number, number, number[]][] = [
    [l, 1, 0, 1, [0, 1, 2, 3]],
    [l, 1, 2, 1, [0, 1]],
    [logits(1, 2, 2, 0), 1, 2, 1, [1, 2]],
    [logits(1, 2, 2, 0), 1, 1, 1, [1, 2]],
    [l, 1, 0, 0.5, [0]],
    [l, 1, 0, 0.51, [0, 1]],
    [l, 1, 0, 0.8, [0, 1]],
    [l, 1, 0, 0.81, [0, 1, 2]],
    [l, 1, 0, 0.01, [0]],
    [logits(0, -Infinity, 1), 1, 0, 1, [2, 0]],
    [logits(-Infinity, NaN), 1, 0, 1, [0]],
  ];
  for (const [input, t, k, p, ids] of table) assert.deepEqual(candidates(input, t, k, p).ids, ids, `k=${k} p=${p}`);
  const { probabilities } = candidates(l, 1, 2);
  assert.deepEqual(
    probabilities.map((p) => p.toFixed(4)),
    ['0.6250', '0.3750'],
  );
});

test('the warpers compose: top-p cuts what top-k left, in order', () => {
  const l = logits(4, 3, 3, 2, 1);
  const taken = (warped: ReturnType<typeof temperature>) =>
    Array.from({ length: 6 }, () => warped.pop()).filter((id) => id !== undefined);
  assert.deepEqual(taken(topK(2)(temperature(l, 1))), [0, 1, 2], 'the tie with the 2nd stays');
  assert.deepEqual(taken(topP(0.6)(topK(2)(temperature(l, 1)))), [0, 1]);
  assert.deepEqual(taken(topK(0)(topP(1)(temperature(l, 1)))), [0, 1, 2, 3, 4], 'k = 0 and p = 1 keep everything');
});

test('temperature sharpens or flattens the distribution', () => {
  const l = logits(2, 1, 0);
  const spread = (t: number): number => candidates(l, t).probabilities[0]!;
  assert.ok(spread(0.5) > spread(1) && spread(1) > spread(2));
  assert.equal(candidates(l, 1).probabilities[0]!.toFixed(4), (Math.E ** 2 / (Math.E ** 2 + Math.E + 1)).toFixed(4));
});

test('draws follow the distribution and repeat for the same seed', () => {
  const l = logits(Math.log(0.6), Math.log(0.3), Math.log(0.1));
  const draw = (seed: number): number[] => {
    const pick = tokenPicker({ temperature: 1 }, mulberry32(seed));
    return Array.from({ length: 20_000 }, () => pick(l));
  };
  const first = draw(42);
  assert.deepEqual(draw(42), first);
  assert.notDeepEqual(draw(43), first);
  assert.deepEqual(
    first.slice(0, 12),
    [1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1],
    'a seed draws the same tokens in every release',
  );
  const share = [0, 1, 2].map((id) => first.filter((x) => x === id).length / first.length);
  share.forEach((s, id) => assert.ok(Math.abs(s - [0.6, 0.3, 0.1][id]!) < 0.015, `token ${id}: ${s}`));
});

test('options out of range get a clear bad-request error', () => {
  const table: SamplingOptions[] = [
    { temperature: -1 },
    { temperature: NaN },
    { topK: 1.5 },
    { topK: -1 },
    { topP: 0 },
    { topP: 1.2 },
    { repetitionPenalty: 0 },
  ];
  for (const options of table) {
    assert.throws(
      () => checkSamplingOptions(options),
      (error: unknown) =>
        error instanceof GenerationError &&
        error.info.code === 'bad-request' &&
        /Invalid generation option/.test(error.message),
      JSON.stringify(options),
    );
  }
  checkSamplingOptions({ temperature: 0.7, topK: 40, topP: 0.9, repetitionPenalty: 1.1 });
});
