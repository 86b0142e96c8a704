// The converted fp32 package computes the InfiMM-HD function of the PyTorch reference (float64) on tiny random
// checkpoints: vision features, image memory, logits at every position, and 32 greedy tokens.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { runReference } from '../../harness/reference.ts';
import { allLogits, greedy, grid, loadModel, maxAbsDiff, pixels, std } from '../../harness/model-harness.ts';
import { tinyCheckpoint, tinyPackage } from '../../harness/tiny-models.ts';
import { testTokenizerModel } from '../../harness/tokenizer-model.ts';
import { InfimmTokenizer } from '../../src/tokens/tokenizer.ts';

const PRESETS = ['tiny', 'tiny-gqa'] as const;

for (const preset of PRESETS) {
  describe(`parity with the PyTorch reference (${preset})`, () => {
    test('two images of different grids in one prompt, and a 4×4 grid', async (t) => {
      if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
      const checkpoint = await tinyCheckpoint({ preset });
      const model = await loadModel(await tinyPackage({ preset }));
      const tokenizer = await InfimmTokenizer.fromFile(await testTokenizerModel());
      const S = model.arch.vision.imageSize;
      const cases = [
        { grids: [grid(2, 3, S), grid(1, 1, S)], question: 'Compare <image> with this <image> please' },
        { grids: [grid(4, 4, S)], question: 'What does <image> show?' },
      ];
      for (const { grids, question } of cases) {
        const views = grids.map((g, n) => pixels(g.views, S, n + 3));
        const ids = tokenizer.encode(`USER: ${question} ASSISTANT:`, { addBos: true });
        const ref = runReference(checkpoint, {
          images: grids.map((g, n) => ({ pixels: views[n]!, views: g.views, size: S, rows: g.rows, cols: g.cols })),
          inputIds: ids,
          outputs: ['features', 'memory', 'logits'],
          greedy: 32,
        });
        const memories = [];
        for (const [n, g] of grids.entries()) {
          const features = await model.encodeViews(views[n]!, g.views);
          const refFeatures = ref.get(`features.${n}`)!.data as Float32Array;
          assert.ok(maxAbsDiff(features, refFeatures) <= 1e-4 * std(refFeatures), `features of image ${n}`);
          const { memory } = await model.imageMemory(views[n]!, g);
          for (let b = 0; b < memory.keys.length; b++) {
            for (const [ours, name] of [
              [memory.keys[b]!, 'k'],
              [memory.values[b]!, 'v'],
            ] as const) {
              const expected = ref.get(`memory.${n}.${b}.${name}`)!.data as Float32Array;
              assert.ok(
                maxAbsDiff(ours.data as Float32Array, expected) <= 1e-4 * std(expected),
                `memory ${name} of block ${b}, image ${n}`,
              );
            }
          }
          memories.push(memory);
        }
        const refLogits = ref.get('logits')!.data as Float32Array;
        const logits = await allLogits(model, memories, ids);
        const diff = maxAbsDiff(logits, refLogits);
        assert.ok(diff <= 1e-4 * std(refLogits), `logits differ by ${diff} (std ${std(refLogits)})`);
        const expectedTokens = Array.from(ref.get('greedy')!.data as BigInt64Array, Number);
        assert.deepEqual(await greedy(model, memories, ids, 32), expectedTokens);
      }
      await model.release();
    });

    test('a text-only prompt', async (t) => {
      if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
      const checkpoint = await tinyCheckpoint({ preset });
      const model = await loadModel(await tinyPackage({ preset }));
      const tokenizer = await InfimmTokenizer.fromFile(await testTokenizerModel());
      const ids = tokenizer.encode('USER: write a function that returns the sum ASSISTANT:', { addBos: true });
      const ref = runReference(checkpoint, { images: [], inputIds: ids, outputs: ['logits'], greedy: 32 });
      const refLogits = ref.get('logits')!.data as Float32Array;
      assert.ok(maxAbsDiff(await allLogits(model, [], ids), refLogits) <= 1e-4 * std(refLogits));
      assert.deepEqual(await greedy(model, [], ids, 32), Array.from(ref.get('greedy')!.data as BigInt64Array, Number));
      await model.release();
    });
  });
}
