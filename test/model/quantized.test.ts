// fp16, int8 and int4 packages compute the reference's function on the weights they store (dequantised).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dequantizedCheckpoint } from '../support/dequantized.ts';
import { allLogits, grid, loadModel, maxAbsDiff, pixels, std } from '../support/modelHarness.ts';
import { runReference } from '../support/reference.ts';
import { hasPythonModule, requireOrSkip } from '../support/requirements.ts';
import { tinyCheckpoint, tinyPackage } from '../support/tinyModels.ts';

for (const precision of ['int4', 'int8', 'fp16'] as const) {
  test(`an ${precision} package equals the reference on the same dequantised weights`, async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const spec = { preset: 'tiny-gqa' as const };
    const model = await loadModel(await tinyPackage({ ...spec, precision }));
    assert.equal(model.manifest.weights.precision, precision);
    const S = model.arch.vision.imageSize;
    const g = grid(2, 2, S);
    const views = pixels(g.views, S, 5);
    const ids = [1, 60, 61, model.manifest.tokens.image, 62, 63, 64, 65];
    const reference = runReference(await dequantizedCheckpoint(await tinyCheckpoint(spec), precision), {
      images: [{ pixels: views, views: g.views, size: S, rows: g.rows, cols: g.cols }],
      inputIds: ids,
      outputs: ['logits'],
    });
    const expected = reference.get('logits')!.data as Float32Array;
    const logits = await allLogits(model, [(await model.encodeImage(views, g)).memory], ids);
    const diff = maxAbsDiff(logits, expected);
    assert.ok(diff <= 1e-3 * std(expected), `logits differ by ${diff} (std ${std(expected)})`);
    await model.release();
  });
}
