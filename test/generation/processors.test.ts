import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerProcessors } from '../../src/generation/answer.ts';
import { banTokens, processLogits, repetitionPenalty } from '../../src/generation/processors.ts';

const logits = (...values: number[]): Float32Array => Float32Array.from(values);

test('a banned token gets −∞; an id past the vocabulary changes nothing', () => {
  assert.deepEqual(Array.from(banTokens([1, 7])(logits(1, 2, 3), [])), [1, -Infinity, 3]);
});

test('repetition penalty divides positive logits and multiplies negative ones, once per token', () => {
  const table: [number[], number[], number, number[]][] = [
    [[2, -2, 1, 0], [0, 1], 2, [1, -4, 1, 0]],
    [[2, -2, 1, 0], [0, 0, 0, 3], 2, [1, -2, 1, 0]],
    [[3, 3], [], 1.5, [3, 3]],
    [[4, -1], [1, 7], 0.5, [4, -0.5]],
  ];
  for (const [input, sequence, penalty, expected] of table) {
    const original = logits(...input);
    assert.deepEqual(Array.from(repetitionPenalty(penalty)(original, sequence)), expected);
    assert.deepEqual(Array.from(original), input, 'the penalty copies');
  }
});

test('an answer bans <image> first, then penalises; a penalty of 1 is no step at all', () => {
  assert.equal(answerProcessors(2, {}).length, 1);
  assert.equal(answerProcessors(2, { repetitionPenalty: 1 }).length, 1);
  const scores = processLogits(answerProcessors(2, { repetitionPenalty: 2 }), logits(4, -1, 9, 3), [0, 2]);
  assert.deepEqual(Array.from(scores), [2, -1, -Infinity, 3]);
});
