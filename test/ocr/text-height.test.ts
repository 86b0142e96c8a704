import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type DecodedImage, decodeImage } from '../../src/image/decode.ts';
import { resizeRgb } from '../../src/image/resize.ts';
import { detectionScale } from '../../src/ocr/detect.ts';
import { OcrEngine } from '../../src/ocr/index.ts';
import { typicalTextHeight } from '../../src/ocr/text-height.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');

let engine: OcrEngine;
let code: DecodedImage;
let doubled: DecodedImage;

before(async () => {
  engine = await OcrEngine.load();
  code = await decodeImage(await readFile(join(FIXTURES, 'code.png')), { name: 'code', maxPixels: 50_000_000 });
  // What the same editor looks like on a HiDPI screen.
  doubled = {
    width: 2 * code.width,
    height: 2 * code.height,
    data: await resizeRgb(code, 2 * code.width, 2 * code.height),
    format: 'raw',
  };
});

after(async () => {
  await engine.dispose();
});

const whole = (image: DecodedImage) => ({ x0: 0, y0: 0, x1: image.width, y1: image.height });

test('text drawn twice as large measures about twice as tall', () => {
  const small = typicalTextHeight(code, whole(code))!;
  const large = typicalTextHeight(doubled, whole(doubled))!;
  assert.ok(small >= 6 && small <= 12, `100 % code: ${small} px`);
  assert.ok(large >= 1.7 * small && large <= 2.3 * small, `200 %: ${large} px against ${small} px`);
});

test('a blank page and a page of rules hold no text height', () => {
  const blank: DecodedImage = { width: 300, height: 200, data: new Uint8Array(300 * 200 * 3).fill(30), format: 'raw' };
  assert.equal(typicalTextHeight(blank, whole(blank)), undefined);
  const rules = new Uint8Array(blank.data);
  for (let y = 10; y < 200; y += 20) rules.fill(220, y * 300 * 3, (y + 2) * 300 * 3);
  assert.equal(typicalTextHeight({ ...blank, data: rules }, whole(blank)), undefined);
});

test('small text is detected at full resolution, HiDPI text at no less than half', () => {
  assert.equal(detectionScale(undefined), 1);
  assert.equal(detectionScale(9), 1);
  assert.equal(detectionScale(24), 0.5);
  assert.equal(detectionScale(100), 0.5);
  assert.ok(detectionScale(18) > 0.5 && detectionScale(18) < 1);
});

test('a HiDPI copy of code is detected at a lower resolution and reads the same', async () => {
  assert.ok(detectionScale(typicalTextHeight(doubled, whole(doubled))) <= 0.75);
  const original = await engine.recognize(code);
  const hidpi = await engine.recognize(doubled);
  assert.ok(original.lines.length > 5);
  assert.equal(hidpi.text, original.text);
  assert.deepEqual(
    hidpi.lines.map((l) => l.indent),
    original.lines.map((l) => l.indent),
  );
});
