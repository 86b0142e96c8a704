import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { floatOutput } from '../../src/onnx/model-session.ts';
import { openModel } from '../../src/onnx/session.ts';
import { foldAffines } from '../../src/ocr/affine.ts';
import { fuseHardSwish } from '../../src/ocr/hardswish.ts';
import { defaultModelFiles } from '../../src/ocr/models.ts';
import { mulberry32 } from '../../src/tokens/random.ts';

async function outputs(models: Uint8Array[], dims: number[]): Promise<Float32Array[]> {
  const random = mulberry32(11);
  const input = {
    data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1),
    dims: dims,
  };
  const out: Float32Array[] = [];
  for (const model of models) {
    const session = await openModel(model, { providers: ['cpu'], intraOpThreads: 1 });
    const result = await session.run({ [session.inputNames[0]!]: input });
    out.push(floatOutput(result, session.outputNames[0]!).data);
    await session.release();
  }
  return out;
}

function largestDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

test('the recogniser with its affines folded (and then its hard-swishes fused) reads the same probabilities', async () => {
  const bytes = await readFile(defaultModelFiles().recognition);
  const folded = foldAffines(bytes);
  assert.equal(folded.folded, 53, 'every affine of PP-OCRv4 recognition that meets a convolution (53) is folded');
  // Folding leaves each hard-swish right after its convolution, where all 28 are still found.
  const fused = fuseHardSwish(folded.bytes);
  assert.equal(fused.fused, 28);
  const [before, after] = (await outputs([bytes, fused.bytes], [2, 3, 48, 160])) as [Float32Array, Float32Array];
  const worst = largestDifference(before, after);
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
});

test('the detector folds the same way; the orientation model has no affines; a folded model has nothing left to fold', async () => {
  const files = defaultModelFiles();
  const detection = await readFile(files.detection);
  const folded = foldAffines(detection);
  assert.equal(folded.folded, 48);
  const [before, after] = (await outputs([detection, folded.bytes], [1, 3, 96, 128])) as [Float32Array, Float32Array];
  const worst = largestDifference(before, after);
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
  const again = foldAffines(folded.bytes);
  assert.equal(again.folded, 0);
  assert.equal(again.bytes, folded.bytes, 'a model without the pattern is returned as it is');
  assert.equal(foldAffines(await readFile(files.orientation)).folded, 0);
});
