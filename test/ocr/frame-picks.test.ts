// The picks appended to the real recogniser equal a scan of its probabilities, frame by frame.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp, { type Region } from 'sharp';
import { floatOutput } from '../../src/onnx/model-session.ts';
import { openModel } from '../../src/onnx/session.ts';
import { foldAffines } from '../../src/ocr/affine.ts';
import { latinClasses } from '../../src/ocr/ctc.ts';
import { appendFramePicks, ClassCountMismatch, PICKS } from '../../src/ocr/frame-picks.ts';
import { fuseHardSwish } from '../../src/ocr/hardswish.ts';
import { defaultModelFiles, loadCharacters } from '../../src/ocr/models.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const [HEIGHT, WIDTH] = [48, 384];

/** A line of a fixture, scaled to the recogniser's input: BGR planes in [-1, 1]. */
async function strip(file: string, region: Region): Promise<Float32Array> {
  const data = await sharp(join(FIXTURES, file))
    .extract(region)
    .resize(WIDTH, HEIGHT, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
  const plane = HEIGHT * WIDTH;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) out[c * plane + i] = data[i * 3 + 2 - c]! / 127.5 - 1;
  return out;
}

test('the appended picks are the best class and its probability, and the same among the allowed classes with their sum', async () => {
  const files = defaultModelFiles();
  const characters = await loadCharacters(files.dictionary);
  // Held to the Latin classes but lowercase letters, so that the held picks differ from the best ones.
  const allowed = latinClasses(characters).map((a, c) => (a && !/[a-z]/.test(characters[c]!) ? 1 : 0));
  const folded = fuseHardSwish(foldAffines(await readFile(files.recognition)).bytes).bytes;
  const plain = await openModel(folded, { providers: ['cpu'] });
  const picked = await openModel(appendFramePicks(folded, allowed), { providers: ['cpu'] });
  try {
    // A batch of two lines: "Open the command palette" and "Search files by name".
    const data = new Float32Array([
      ...(await strip('lines.png', { left: 25, top: 16, width: 205, height: 25 })),
      ...(await strip('lines.png', { left: 145, top: 34, width: 160, height: 25 })),
    ]);
    const run = async (session: typeof plain) =>
      floatOutput(
        await session.run({ [session.inputNames[0]!]: { data, dims: [2, 3, HEIGHT, WIDTH] } }),
        session.outputNames[0]!,
      );
    const probs = await run(plain);
    const picks = await run(picked);
    const [batch, frames, classes] = probs.dims as [number, number, number];
    assert.deepEqual(picks.dims, [batch, frames, PICKS]);
    assert.equal(classes, characters.length);
    let read = 0;
    let differ = 0;
    for (let f = 0; f < batch * frames; f++) {
      const row = probs.data.subarray(f * classes, (f + 1) * classes);
      let [best, heldBest, heldSum] = [0, 0, 0];
      row.forEach((p, c) => {
        if (p > row[best]!) best = c;
        if (allowed[c] && p > row[heldBest]!) heldBest = c;
        if (allowed[c]) heldSum += p;
      });
      const got = picks.data.subarray(f * PICKS, (f + 1) * PICKS);
      assert.deepEqual([...got.subarray(0, 4)], [best, row[best], heldBest, row[heldBest]], `frame ${f}`);
      assert.ok(Math.abs(got[4]! - heldSum) <= 1e-5 * heldSum, `frame ${f}: sum ${got[4]} against ${heldSum}`);
      if (best !== 0) read++;
      if (best !== heldBest) differ++;
    }
    // Text is read (not all blanks), and held to the allowed classes some frames pick another.
    assert.ok(read > 10 && differ > 0, `${read} frames read, ${differ} held elsewhere`);
  } finally {
    await plain.release();
    await picked.release();
  }
});

test('a recogniser whose classes are not the dictionary’s is refused', async () => {
  const bytes = await readFile(defaultModelFiles().recognition);
  assert.throws(
    () => appendFramePicks(bytes, new Uint8Array(10)),
    (e: unknown) => e instanceof ClassCountMismatch && e.classes === 6625,
  );
});
