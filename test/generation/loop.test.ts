// The token loop over a scripted decoder: real logits arrays, no model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateTokens, greedy, type StepDecoder } from '../../src/generation/loop.ts';
import { banTokens, repetitionPenalty } from '../../src/generation/processors.ts';
import { argmax } from '../../src/generation/sampling.ts';
import { cancellation, endTokens, maxNewTokens } from '../../src/generation/stopping.ts';

/** A decoder whose logits favour `script[n]` at its n-th run, recording what it was fed. */
function scripted(script: number[], vocab = 6): StepDecoder<null> & { fed: number[][] } {
  const fed: number[][] = [];
  return {
    fed,
    forward: (_state, ids) => {
      const logits = Float32Array.from({ length: vocab }, (_, id) => -id); // token 0 is the runner-up everywhere
      logits[script[fed.length]!] = 10;
      fed.push([...ids]);
      return Promise.resolve(logits);
    },
  };
}

test('the prompt is fed once, each token after it, the last one never', async () => {
  const decoder = scripted([3, 4, 5]);
  const run = await generateTokens(decoder, null, [1, 2], {
    processors: [],
    pick: argmax,
    stopping: [maxNewTokens(3)],
  });
  assert.deepEqual(run.ids, [3, 4, 5]);
  assert.equal(run.stopReason, 'length');
  assert.deepEqual(decoder.fed, [[1, 2], [3], [4]]);
});

test('an end token ends the answer and is its last id', async () => {
  const run = await generateTokens(scripted([3, 5, 4]), null, [1], {
    processors: [],
    pick: argmax,
    stopping: [endTokens([5]), maxNewTokens(10)],
  });
  assert.deepEqual(run.ids, [3, 5]);
  assert.equal(run.stopReason, 'end');
});

test('greedy bans <image>: its runner-up is picked instead, and it does not stop at an end token', async () => {
  const run = await greedy(scripted([2, 2, 5]), null, [1], 2, 3);
  assert.deepEqual(run.ids, [0, 0, 5]);
});

test('a cancel stops before the next token; zero new tokens means none', async () => {
  let cancel = false;
  const onToken = (id: number) => (cancel = id === 4);
  const decoder = scripted([3, 4, 5, 3]);
  const run = await generateTokens(decoder, null, [1], {
    processors: [],
    pick: argmax,
    stopping: [cancellation(() => cancel), maxNewTokens(10)],
    onToken,
  });
  assert.deepEqual([run.ids, run.stopReason, decoder.fed.length], [[3, 4], 'cancelled', 2]);
  const none = await generateTokens(scripted([3]), null, [1], {
    processors: [],
    pick: argmax,
    stopping: [maxNewTokens(0)],
  });
  assert.deepEqual([none.ids, none.stopReason], [[], 'length']);
});

test('the repetition penalty sees the history, the prompt and what was generated', async () => {
  const sequences: number[][] = [];
  const spy = (logits: Float32Array, sequence: readonly number[]) => (sequences.push([...sequence]), logits);
  await generateTokens(scripted([3, 4]), null, [1, 2], {
    processors: [spy, repetitionPenalty(2), banTokens([0])],
    pick: argmax,
    stopping: [maxNewTokens(2)],
    history: [9],
  });
  assert.deepEqual(sequences, [
    [9, 1, 2],
    [9, 1, 2, 3],
  ]);
});
