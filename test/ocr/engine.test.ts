// The OCR stage end to end with the real PaddleOCR models, on fixtures rendered by
// bench/ocr-generate.ts (test/ocr/fixtures/expected.json holds their text and where it was drawn).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { OcrLine } from '../../src/common/protocol.ts';
import { type DecodedImage, decodeImage } from '../../src/image/decode.ts';
import { resizeRgb } from '../../src/image/resize.ts';
import { CancelledError } from '../../src/common/errors.ts';
import { OcrEngine, OcrError } from '../../src/ocr/index.ts';
import { mulberry32 } from '../../src/tokens/random.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');

interface Fixture {
  text: string;
  lines: Array<{ text: string; rect: { x: number; y: number; width: number; height: number } }>;
}

let engine: OcrEngine;
let expected: Record<string, Fixture>;

before(async () => {
  engine = await OcrEngine.load();
  expected = JSON.parse(await readFile(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Fixture>;
});

after(async () => {
  await engine.dispose();
});

async function fixture(name: string): Promise<DecodedImage> {
  return decodeImage(await readFile(join(FIXTURES, `${name}.png`)), { name, maxPixels: 50_000_000 });
}

function solid(width: number, height: number, rgb: [number, number, number]): DecodedImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = rgb[i % 3]!;
  return { width, height, data, format: 'raw' };
}

function centre(line: OcrLine): [number, number] {
  return [line.box.reduce((s, p) => s + p[0], 0) / 4, line.box.reduce((s, p) => s + p[1], 0) / 4];
}

test('the known text of a generated screenshot is read exactly, each line where it was drawn', async () => {
  const result = await engine.recognize(await fixture('lines'));
  assert.equal(result.layout, 'prose');
  const drawn = expected.lines!.lines;
  assert.deepEqual(result.lines.map((l) => l.text).sort(), drawn.map((l) => l.text).sort());
  for (const want of drawn) {
    const line = result.lines.find((l) => l.text === want.text)!;
    const [cx, cy] = centre(line);
    const r = want.rect;
    assert.ok(
      cx > r.x && cx < r.x + r.width && cy > r.y && cy < r.y + r.height,
      `"${want.text}" centred in its drawn box`,
    );
    const xs = line.box.map((p) => p[0]);
    // The box covers the drawn text, with the detector's margin of about half a line height.
    assert.ok(Math.min(...xs) <= r.x + 2 && Math.max(...xs) >= r.x + r.width - 2, `"${want.text}" box spans the text`);
    assert.ok(
      Math.min(...xs) >= r.x - r.height && Math.max(...xs) <= r.x + r.width + r.height,
      `"${want.text}" box is not much wider`,
    );
    assert.ok(line.confidence > 0.9);
    assert.deepEqual(
      line.words?.map((w) => w.text),
      want.text.split(' '),
    );
    for (let i = 1; i < line.words!.length; i++) {
      assert.ok(
        line.words![i]!.box[0][0] >= line.words![i - 1]!.box[1][0] - 1,
        'words are left to right and do not overlap',
      );
    }
  }
  assert.ok(result.stats.totalMs >= result.stats.detectMs);
  assert.equal(result.stats.provider, 'cpu');
});

test('a two-column layout is read column by column', async () => {
  const result = await engine.recognize(await fixture('two-columns'));
  assert.equal(result.text, expected['two-columns']!.text);
  assert.equal(new Set(result.lines.map((l) => l.block)).size, 2);
});

test('code is laid out with its indentation rebuilt', async () => {
  const result = await engine.recognize(await fixture('code'));
  assert.equal(result.layout, 'code');
  assert.equal(result.text, expected.code!.text);
  assert.deepEqual(
    result.lines.map((l) => l.indent),
    expected.code!.text.split('\n').map((l) => l.length - l.trimStart().length),
  );
  const prose = await engine.recognize(await fixture('code'), { layout: 'prose' });
  assert.equal(prose.layout, 'prose');
  assert.ok(prose.lines.every((l) => l.indent === undefined));
});

test('a tall screenshot is detected in windows: small text a whole-image downscale misses is found, once', async () => {
  const image = await fixture('tall');
  const result = await engine.recognize(image);
  assert.ok((result.stats.windows ?? 1) >= 3);
  assert.deepEqual(
    result.lines.map((l) => l.text),
    expected.tall!.lines.map((l) => l.text),
  );
  // The middle note lies where two windows overlap: found by both, reported once.
  assert.equal(result.text.split('Small note across the seam').length, 2);

  const scale = 960 / image.height;
  const width = Math.round(image.width * scale);
  const shrunk = { width, height: 960, data: await resizeRgb(image, width, 960), format: 'raw' };
  const downscaled = await engine.recognize(shrunk);
  assert.ok(!downscaled.text.includes('Small note'), `the downscaled image lost the notes (read "${downscaled.text}")`);
});

test('a line crossing window seams comes out once and whole', async () => {
  const result = await engine.recognize(await fixture('wide'));
  // Its 44-px text is detected at about half size: 5000 px wide, that is still more than one window.
  assert.ok((result.stats.windows ?? 1) >= 2);
  assert.deepEqual(
    result.lines.map((l) => l.text),
    expected.wide!.lines.map((l) => l.text),
  );
  const r = expected.wide!.lines[0]!.rect;
  const xs = result.lines[0]!.box.map((p) => p[0]);
  // Large text is detected at half size, where a detector pixel is two image pixels: the box's
  // ends land within a few pixels of the text's (6 of its 44-px height).
  const slack = 0.15 * r.height;
  assert.ok(Math.min(...xs) <= r.x + slack && Math.max(...xs) >= r.x + r.width - slack, `box ${xs}`);
});

test('a rectangle reads only that part, with boxes in whole-image pixels', async () => {
  const want = expected.lines!.lines[3]!;
  const rect = { x: want.rect.x - 10, y: want.rect.y - 6, width: want.rect.width + 20, height: want.rect.height + 12 };
  const result = await engine.recognize(await fixture('lines'), { rect });
  assert.deepEqual(
    result.lines.map((l) => l.text),
    [want.text],
  );
  const [cx, cy] = centre(result.lines[0]!);
  assert.ok(
    Math.abs(cx - (want.rect.x + want.rect.width / 2)) < 4 && Math.abs(cy - (want.rect.y + want.rect.height / 2)) < 4,
  );
});

test('upside-down text is turned and read, in its own reading order', async () => {
  const result = await engine.recognize(await fixture('upside-down'));
  assert.equal(result.text, expected['upside-down']!.text);
});

test('text turned a quarter either way is read', async () => {
  const image = await fixture('lines');
  for (const clockwise of [true, false]) {
    // The image turned by hand: width and height swap.
    const data = new Uint8Array(image.data.length);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const [nx, ny] = clockwise ? [image.height - 1 - y, x] : [y, image.width - 1 - x];
        data.set(
          image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3),
          (ny * image.height + nx) * 3,
        );
      }
    }
    const result = await engine.recognize({ width: image.height, height: image.width, data, format: 'raw' });
    assert.deepEqual(
      result.lines.map((l) => l.text).sort(),
      expected.lines!.lines.map((l) => l.text).sort(),
      clockwise ? 'clockwise' : 'counter-clockwise',
    );
  }
});

test('scripts the models cannot read give nothing, or low confidence, never confident garbage', async () => {
  const result = await engine.recognize(await fixture('scripts'));
  for (const line of result.lines) assert.ok(line.confidence < 0.8, `"${line.text}" at ${line.confidence}`);
});

test('blank, single-colour, tiny and noisy images give an empty result', async () => {
  for (const image of [
    solid(640, 360, [255, 255, 255]),
    solid(200, 120, [200, 30, 40]),
    solid(1, 1, [0, 0, 0]),
    solid(3, 500, [9, 9, 9]),
  ]) {
    const result = await engine.recognize(image);
    assert.deepEqual([result.lines, result.text], [[], ''], `${image.width}×${image.height}`);
  }
  const random = mulberry32(7);
  const noise = solid(320, 200, [0, 0, 0]);
  for (let i = 0; i < noise.data.length; i++) noise.data[i] = Math.floor(random() * 256);
  const result = await engine.recognize(noise);
  for (const line of result.lines)
    assert.ok(line.confidence < 0.8, `noise read as "${line.text}" at ${line.confidence}`);
});

test('a huge image is read in many windows', async () => {
  const result = await engine.recognize(solid(8_000, 200, [250, 250, 250]));
  assert.ok((result.stats.windows ?? 1) >= 4);
  assert.deepEqual(result.lines, []);
});

test('cancellation stops between model runs with a CancelledError', async () => {
  const image = await fixture('tall');
  let asked = 0;
  await assert.rejects(
    engine.recognize(image, { shouldCancel: () => ++asked > 2 }),
    (error: unknown) => error instanceof CancelledError,
  );
  assert.equal(asked, 3, 'it stopped at the first question answered yes');
  await assert.rejects(engine.recognize(image, { shouldCancel: () => true }), CancelledError);
});

test('bad requests get one clear error', async () => {
  const image = solid(100, 50, [255, 255, 255]);
  await assert.rejects(
    engine.recognize({ ...image, data: image.data.subarray(10) }),
    (e: unknown) => e instanceof OcrError && e.code === 'bad-request' && /RGB/.test(e.message),
  );
  await assert.rejects(
    engine.recognize(image, { rect: { x: 500, y: 0, width: 10, height: 10 } }),
    (e: unknown) =>
      e instanceof OcrError && e.code === 'bad-request' && /does not overlap the 100×50 image/.test(e.message),
  );
});

test('missing or broken model files are reported by name with the next step', async () => {
  const missing = join(FIXTURES, 'no-such-model.onnx');
  await assert.rejects(OcrEngine.load({ models: { detection: missing } }), (e: unknown) => {
    assert.ok(e instanceof OcrError);
    assert.equal(e.code, 'model-missing');
    assert.match(e.message, /detection model file ".*no-such-model\.onnx" does not exist/);
    assert.match(e.hint, /Reinstall/);
    return true;
  });
  await assert.rejects(
    OcrEngine.load({ models: { recognition: join(FIXTURES, 'expected.json') } }),
    (e: unknown) => e instanceof OcrError && e.code === 'model-invalid',
  );
});
