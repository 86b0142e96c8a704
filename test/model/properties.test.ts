// Properties of the InfiMM-HD function that catch the subtle bugs (paper notes §9), checked on our package.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeMemory } from '../../src/memory/memory.ts';
import { subImagePositions } from '../../src/tiles/position.ts';
import { crossContext, DecoderState } from '../../src/decoder/decoder.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { allLogits, grid, loadModel, maxAbsDiff, pixels, std } from '../../harness/model-harness.ts';
import { tinyPackage } from '../../harness/tiny-models.ts';
import { openModel } from '../../src/onnx/session.ts';
import { readManifest } from '../../src/package/verify.ts';

describe('InfiMM-HD properties', () => {
  test('cached decoding equals full recomputation', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const model = await loadModel(await tinyPackage({ preset: 'tiny-gqa' }));
    const S = model.arch.vision.imageSize;
    const { memory } = await model.imageMemory(pixels(5, S, 1), grid(2, 2, S));
    const image = model.manifest.tokens.image;
    const ids = [1, 40, 41, image, 42, 43, 44, 45, 46, 47, 48, 49];
    const full = await allLogits(model, [memory], ids);
    const V = model.arch.language.vocabSize;
    // Prefill of 5 tokens, then a chunk of 3 (a follow-up question), then one token at a time.
    const state = new DecoderState(model.arch, crossContext(model.arch, [memory]));
    const chunks = [ids.slice(0, 5), ids.slice(5, 8), ...ids.slice(8).map((id) => [id])];
    let position = 0;
    for (const chunk of chunks) {
      const logits = await model.decoder.forward(state, chunk, true);
      const expected = full.subarray(position * V, (position + chunk.length) * V);
      assert.ok(maxAbsDiff(logits, expected) <= 1e-4 * std(expected), `chunk at ${position}`);
      position += chunk.length;
    }
    await model.release();
  });

  test('tokens before <image> do not depend on the image; a text-only prompt ignores images', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const model = await loadModel(await tinyPackage());
    const S = model.arch.vision.imageSize;
    const a = (await model.imageMemory(pixels(2, S, 1), grid(1, 1, S))).memory;
    const b = (await model.imageMemory(pixels(2, S, 2), grid(1, 1, S))).memory;
    const V = model.arch.language.vocabSize;
    const ids = [1, 30, 31, 32, model.manifest.tokens.image, 33, 34];
    const withA = await allLogits(model, [a], ids);
    const withB = await allLogits(model, [b], ids);
    assert.equal(maxAbsDiff(withA.subarray(0, 4 * V), withB.subarray(0, 4 * V)), 0, 'positions before <image>');
    assert.ok(maxAbsDiff(withA.subarray(4 * V), withB.subarray(4 * V)) > 1e-3, 'positions after <image> see the image');
    await model.release();
  });

  test('swapping two tiles changes the output only through the sub-image position vectors', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const dir = await tinyPackage();
    const model = await loadModel(dir);
    const memorySession = await openModel(`${dir}/memory.onnx`, { providers: ['cpu'] });
    const S = model.arch.vision.imageSize;
    const g = grid(2, 2, S);
    const view = 3 * S * S;
    const original = pixels(g.views, S, 7);
    const swapped = original.slice();
    swapped.set(original.subarray(1 * view, 2 * view), 2 * view); // tiles (0,0) and (0,1) are views 1 and 2
    swapped.set(original.subarray(2 * view, 3 * view), 1 * view);
    const Dv = model.arch.vision.width;
    const positions = subImagePositions(g, Dv);
    const swappedPositions = positions.slice();
    swappedPositions.set(positions.subarray(1 * Dv, 2 * Dv), 2 * Dv);
    swappedPositions.set(positions.subarray(2 * Dv, 3 * Dv), 1 * Dv);
    const memoryOf = async (p: Float32Array, pe: Float32Array) =>
      computeMemory(memorySession, model.arch, await model.encodeViews(p, g.views), pe, g.views);
    const ids = [1, 20, model.manifest.tokens.image, 21, 22, 23];
    const reference = await allLogits(model, [await memoryOf(original, positions)], ids);
    const bothSwapped = await allLogits(model, [await memoryOf(swapped, swappedPositions)], ids);
    const tilesSwapped = await allLogits(model, [await memoryOf(swapped, positions)], ids);
    assert.ok(maxAbsDiff(reference, bothSwapped) <= 1e-5 * std(reference), 'a permutation of the memory tokens');
    assert.ok(maxAbsDiff(reference, tilesSwapped) > 1e-3 * std(reference), 'the position vectors tell the tiles apart');
    await memorySession.release();
    await model.release();
  });

  test('with all gates at zero the model is exactly its language model', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const model = await loadModel(await tinyPackage({ zeroGates: true }));
    const S = model.arch.vision.imageSize;
    const { memory } = await model.imageMemory(pixels(7, S, 3), grid(2, 3, S));
    const ids = [1, 25, model.manifest.tokens.image, 26, 27, 28];
    assert.equal(maxAbsDiff(await allLogits(model, [memory], ids), await allLogits(model, [], ids)), 0);
    await model.release();
  });

  test('more <image> tokens than images is refused', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const model = await loadModel(await tinyPackage());
    const S = model.arch.vision.imageSize;
    const { memory } = await model.imageMemory(pixels(2, S, 3), grid(1, 1, S));
    const image = readManifest(model.dir).tokens.image;
    await assert.rejects(allLogits(model, [memory], [1, image, 5, image, 6]), /more <image> tokens than images/);
    await model.release();
  });
});
