import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenizerError } from '../../src/tokens/errors.ts';
import { mulberry32 } from '../../src/tokens/random.ts';
import {
  applyRepetitionPenalty,
  argmax,
  candidates,
  sampleToken,
  type SamplingOptions,
} from '../../src/tokens/sampling.ts';

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

test('repetition penalty divides positive logits and multiplies negative ones, once per token', () => {
  const table: [number[], number[], number, number[]][] = [
    [[2, -2, 1, 0], [0, 1], 2, [1, -4, 1, 0]],
    [[2, -2, 1, 0], [0, 0, 0, 3], 2, [1, -2, 1, 0]],
    [[3, 3], [], 1.5, [3, 3]],
    [[4, -1], [1, 7], 0.5, [4, -0.5]],
  ];
  for (const [input, sequence, penalty, expected] of table) {
    assert.deepEqual(Array.from(applyRepetitionPenalty(logits(...input), sequence, penalty)), expected);
  }
});

test('greedy is the default, and the penalty applies to it', () => {
  const table: [number[], number[], SamplingOptions, number][] = [
    [[1, 3, 2], [], {}, 1],
    [[1, 3, 2], [], { temperature: 0, topK: 1, topP: 0.1 }, 1],
    [[1, 3, 2], [1], { repetitionPenalty: 2 }, 2],
    [[-1, -3, -2], [0], { repetitionPenalty: 3 }, 2],
  ];
  for (const [input, sequence, options, expected] of table) {
    assert.equal(sampleToken(logits(...input), sequence, options, never), expected, JSON.stringify(options));
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
  ];
  for (const [input, temperature, topK, topP, ids] of table) {
    assert.deepEqual(candidates(input, temperature, topK, topP).ids, ids, `k=${topK} p=${topP}`);
  }
  const { probabilities } = candidates(l, 1, 2);
  assert.deepEqual(probabilities.map((p) => p.toFixed(4)), ['0.6250', '0.3750']);
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
    const random = mulberry32(seed);
    return Array.from({ length: 20_000 }, () => sampleToken(l, [], { temperature: 1 }, random));
  };
  const first = draw(42);
  assert.deepEqual(draw(42), first);
  assert.notDeepEqual(draw(43), first);
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
      () => sampleToken(logits(1, 2), [], options, Math.random),
      (error: unknown) => error instanceof TokenizerError && error.info.code === 'bad-request' && /Invalid generation option/.test(error.message),
      JSON.stringify(options),
    );
  }
});

test('a full vocabulary samples in a few milliseconds', () => {
  const random = mulberry32(1);
  const vocab = Float32Array.from({ length: 32_002 }, () => random() * 20 - 10);
  const started = performance.now();
  for (let i = 0; i < 20; i++) sampleToken(vocab, [1, 2, 3], { temperature: 0.7, topP: 0.9, repetitionPenalty: 1.1 }, random);
  const ms = (performance.now() - started) / 20;
  assert.ok(ms < 50, `${ms.toFixed(1)} ms per token`);
});
