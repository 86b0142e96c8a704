import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { floatOutput } from '../../src/onnx/model-session.ts';
import { openModel } from '../../src/onnx/session.ts';
import { fuseHardSwish } from '../../src/ocr/hardswish.ts';
import { defaultModelFiles } from '../../src/ocr/models.ts';
import { mulberry32 } from '../../src/tokens/random.ts';

test('the recogniser with its hard-swishes fused reads the same probabilities', async () => {
  const bytes = await readFile(defaultModelFiles().recognition);
  const fused = fuseHardSwish(bytes);
  assert.equal(fused.fused, 28, 'every hard-swish of PP-OCRv4 recognition (28) is found');
  const random = mulberry32(7);
  const input = {
    data: Float32Array.from({ length: 2 * 3 * 48 * 160 }, () => random() * 2 - 1),
    dims: [2, 3, 48, 160],
  };
  const outputs = [];
  for (const model of [bytes, fused.bytes]) {
    const session = await openModel(model, { providers: ['cpu'], intraOpThreads: 1 });
    const result = await session.run({ [session.inputNames[0]!]: input });
    outputs.push(floatOutput(result, session.outputNames[0]!).data);
    await session.release();
  }
  const [before, after] = outputs as [Float32Array, Float32Array];
  assert.equal(after.length, before.length);
  let worst = 0;
  for (let i = 0; i < before.length; i++) worst = Math.max(worst, Math.abs(before[i]! - after[i]!));
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
});

test('the detector and the orientation model are fused too; the fused model has nothing left to fuse', async () => {
  const files = defaultModelFiles();
  for (const [path, count] of [
    [files.detection, 24],
    [files.orientation, 18],
  ] as const) {
    const fused = fuseHardSwish(await readFile(path));
    assert.equal(fused.fused, count, path);
    const again = fuseHardSwish(fused.bytes);
    assert.equal(again.fused, 0);
    assert.equal(again.bytes, fused.bytes, 'a model without the pattern is returned as it is');
  }
});
