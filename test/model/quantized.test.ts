// Reduced-precision packages against the PyTorch reference (float64) on the weights they store (dequantised):
// fp16, and int8/int4 with fp32 activations, compute the same function; int8/int4 with int8 activations (the
// converter's default) are held to a tolerance, teacher-forced over 256 positions.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { dequantizedCheckpoint } from '../support/dequantized.ts';
import {
  allLogits,
  grid,
  loadModel,
  logitAgreement,
  maxAbsDiff,
  pixels,
  std,
  type LogitAgreement,
} from '../../harness/model-harness.ts';
import { runReference } from '../../harness/reference.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { tinyCheckpoint, tinyPackage, type CheckpointSpec } from '../../harness/tiny-models.ts';
import type { ActivationPrecision, WeightPrecision } from '../../src/common/precision.ts';

/** Our logits and the reference's on the dequantised weights, for one image and `ids` (teacher-forced). */
async function compare(
  spec: CheckpointSpec,
  precision: WeightPrecision,
  activations: ActivationPrecision,
  ids: (image: number, vocab: number) => number[],
) {
  const model = await loadModel(await tinyPackage({ ...spec, precision, activations }));
  assert.equal(model.manifest.weights.precision, precision);
  const S = model.arch.vision.imageSize;
  const g = grid(2, 2, S);
  const views = pixels(g.views, S, 5);
  const vocab = model.arch.language.vocabSize;
  const prompt = ids(model.manifest.tokens.image, vocab);
  const reference = runReference(await dequantizedCheckpoint(await tinyCheckpoint(spec), precision), {
    images: [{ pixels: views, views: g.views, size: S, rows: g.rows, cols: g.cols }],
    inputIds: prompt,
    outputs: ['logits'],
  });
  const expected = reference.get('logits')!.data as Float32Array;
  const logits = await allLogits(model, [(await model.imageMemory(views, g)).memory], prompt);
  await model.release();
  return { logits, expected, vocab };
}

for (const precision of ['int4', 'int8', 'fp16'] as const) {
  test(`an ${precision} package${precision === 'fp16' ? '' : ' with fp32 activations'} equals the reference on the same dequantised weights`, async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const { logits, expected } = await compare({ preset: 'tiny-gqa' }, precision, 'fp32', (image) => [
      1,
      60,
      61,
      image,
      62,
      63,
      64,
      65,
    ]);
    const diff = maxAbsDiff(logits, expected);
    assert.ok(diff <= 1e-3 * std(expected), `logits differ by ${diff} (std ${std(expected)})`);
  });
}

/** BOS, text, the image, then text: `length` positions, the ids spread over the vocabulary below the added tokens. */
function longPrompt(length: number) {
  return (image: number, vocab: number) => [
    1,
    60,
    61,
    image,
    ...Array.from({ length: length - 4 }, (_, i) => 3 + ((i * 7919 + 13) % (vocab - 10))),
  ];
}

/** The bounds a package with int8 activations is held to (positions with a top-2 near-tie are not counted). */
export function assertWithinTolerance(t: TestContext, what: string, a: LogitAgreement): void {
  t.diagnostic(
    `${what}: top-1 ${(a.top1 * 100).toFixed(1)}% of ${a.decisive}/${a.positions} decisive positions, KL mean ${a.klMean.toExponential(2)} max ${a.klMax.toExponential(2)} nats, max |Δlogit| ${a.maxDiffOfStd.toFixed(3)} σ`,
  );
  assert.ok(a.decisive >= a.positions / 4, `${what}: only ${a.decisive} of ${a.positions} positions are decisive`);
  assert.ok(a.top1 >= 0.95, `${what}: top-1 agrees at ${(a.top1 * 100).toFixed(1)}% of decisive positions`);
  assert.ok(a.maxDiffOfStd <= 0.15, `${what}: max |Δlogit| is ${a.maxDiffOfStd.toFixed(3)} σ`);
}

for (const precision of ['int4', 'int8'] as const) {
  test(`an ${precision} package with int8 activations stays within tolerance of the reference over 256 positions`, async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const { logits, expected, vocab } = await compare({ preset: 'tiny-gqa' }, precision, 'int8', longPrompt(256));
    assertWithinTolerance(t, `tiny-gqa ${precision}`, logitAgreement(logits, expected, vocab));
  });
}
