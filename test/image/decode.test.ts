import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decodeImage, type DecodedImage } from '../../src/image/decode.ts';
import { ImageError } from '../../src/image/error.ts';
import { pixelAt, pngHeaderOnly, rawRgb, rgbPixels, solid, tiff16, type Rgb } from './make-images.ts';

const limits = { name: 'test image', maxPixels: 4_000_000 };
const RED: Rgb = [255, 0, 0];
const BLUE: Rgb = [0, 0, 255];

function assertRgb(image: DecodedImage, width: number, height: number, format: string): void {
  assert.equal(image.width, width);
  assert.equal(image.height, height);
  assert.equal(image.format, format);
  assert.equal(image.data.length, width * height * 3);
}

/** Every pixel within `tolerance` of `colour` on every channel. */
function assertSolid(image: DecodedImage, colour: Rgb, tolerance = 0): void {
  for (let i = 0; i < image.data.length; i++) {
    const got = image.data[i]!;
    const want = colour[i % 3]!;
    if (Math.abs(got - want) > tolerance) assert.fail(`byte ${i}: ${got}, expected ${want} ± ${tolerance}`);
  }
}

async function rejection(bytes: Uint8Array, maxPixels = limits.maxPixels): Promise<ImageError> {
  try {
    await decodeImage(bytes, { name: 'shot.png', maxPixels });
  } catch (error) {
    assert.ok(error instanceof ImageError, `expected an ImageError, got ${String(error)}`);
    assert.match(error.message, /"shot\.png"/);
    assert.ok(error.hint.length > 0);
    return error;
  }
  return assert.fail('decodeImage accepted bad input');
}

test('lossless formats decode to exact RGB', async () => {
  const pattern = rgbPixels(7, 5, (x, y) => [x * 30, y * 50, (x + y) * 10]);
  for (const [format, encode] of [
    ['png', () => rawRgb(pattern, 7, 5).png()],
    ['webp', () => rawRgb(pattern, 7, 5).webp({ lossless: true })],
    ['tiff', () => rawRgb(pattern, 7, 5).tiff({ compression: 'lzw' })],
  ] as const) {
    const image = await decodeImage(await encode().toBuffer(), limits);
    assertRgb(image, 7, 5, format);
    assert.deepEqual(image.data, pattern, format);
  }
});

test('lossy formats decode to the right size and colour', async () => {
  const colour: Rgb = [200, 40, 90];
  const jpeg = await decodeImage(await solid(33, 17, colour).jpeg({ quality: 95 }).toBuffer(), limits);
  assertRgb(jpeg, 33, 17, 'jpeg');
  assertSolid(jpeg, colour, 3);
  const avif = await decodeImage(await solid(33, 17, colour).avif({ quality: 90 }).toBuffer(), limits);
  assertRgb(avif, 33, 17, 'avif');
  assertSolid(avif, colour, 6);
});

test('an animated GIF gives its first frame', async () => {
  // Two 8×6 frames stacked as pages: red, then blue.
  const frames = rgbPixels(8, 12, (_x, y) => (y < 6 ? RED : BLUE));
  const gif = await sharp(frames, { raw: { width: 8, height: 12, channels: 3, pageHeight: 6 } })
    .gif({ loop: 0, delay: [100, 100] })
    .toBuffer();
  assert.equal((await sharp(gif).metadata()).pages, 2, 'the fixture must have two frames');
  const image = await decodeImage(gif, limits);
  assertRgb(image, 8, 6, 'gif');
  assertSolid(image, RED);
});

test('16-bit PNG and TIFF become 8-bit by scaling, not clipping', async () => {
  const bytes = rgbPixels(16, 4, (x, y) => [x * 16, y * 60, 255 - x * 16]);
  const wide = Uint16Array.from(bytes, (v) => v * 257);
  const png = await sharp(wide, { raw: { width: 16, height: 4, channels: 3 } })
    .toColourspace('rgb16')
    .png()
    .toBuffer();
  assert.equal((await sharp(png).metadata()).depth, 'ushort', 'the fixture must be 16-bit');
  const fromPng = await decodeImage(png, limits);
  assertRgb(fromPng, 16, 4, 'png');
  assert.deepEqual(fromPng.data, bytes);
  const fromTiff = await decodeImage(tiff16(16, 4, wide), limits);
  assertRgb(fromTiff, 16, 4, 'tiff');
  assert.deepEqual(fromTiff.data, bytes);
});

test('greyscale becomes three equal channels', async () => {
  const grey = await rawRgb(
    rgbPixels(5, 3, (x) => [x * 60, x * 60, x * 60]),
    5,
    3,
  )
    .toColourspace('b-w')
    .png()
    .toBuffer();
  const image = await decodeImage(grey, limits);
  assertRgb(image, 5, 3, 'png');
  for (let x = 0; x < 5; x++) assert.deepEqual(pixelAt(image.data, 5, x, 2), [x * 60, x * 60, x * 60]);
});

test('a CMYK JPEG becomes sRGB', async () => {
  const cmyk = await solid(16, 16, [30, 120, 200]).toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer();
  assert.equal((await sharp(cmyk).metadata()).space, 'cmyk', 'the fixture must be CMYK');
  const image = await decodeImage(cmyk, limits);
  assertRgb(image, 16, 16, 'jpeg');
  // sRGB → CMYK → sRGB goes through ICC profiles and is not lossless; the tolerance still tells
  // a right conversion from 4 channels, inverted (Adobe-style) CMYK or CMYK bytes read as RGB.
  assertSolid(image, [30, 120, 200], 24);
});

test('transparency is flattened onto white', async () => {
  // Opaque red, transparent red, half-transparent black.
  const rgba = Uint8Array.from([255, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 128]);
  const png = await sharp(rgba, { raw: { width: 3, height: 1, channels: 4 } })
    .png()
    .toBuffer();
  const image = await decodeImage(png, limits);
  assertRgb(image, 3, 1, 'png');
  assert.deepEqual(Array.from(image.data), [255, 0, 0, 255, 255, 255, 127, 127, 127]);
});

test('EXIF orientation 6 is applied (stored 40×20, shown 20×40)', async () => {
  // Stored: left half red, right half blue. Orientation 6 turns it 90° clockwise: red on top.
  const stored = rgbPixels(40, 20, (x) => (x < 20 ? RED : BLUE));
  const jpeg = await rawRgb(stored, 40, 20).withMetadata({ orientation: 6 }).jpeg({ quality: 100 }).toBuffer();
  const image = await decodeImage(jpeg, limits);
  assertRgb(image, 20, 40, 'jpeg');
  const near = (got: number[], want: Rgb) => got.every((v, c) => Math.abs(v - want[c]!) <= 8);
  assert.ok(near(pixelAt(image.data, 20, 10, 5), RED), 'top is red');
  assert.ok(near(pixelAt(image.data, 20, 10, 34), BLUE), 'bottom is blue');
});

test('pixel limit: exactly at the limit passes, one pixel over is refused', async () => {
  const png = await solid(64, 48, RED).png().toBuffer();
  assertRgb(await decodeImage(png, { name: 'a', maxPixels: 64 * 48 }), 64, 48, 'png');
  const error = await rejection(png, 64 * 48 - 1);
  assert.equal(error.code, 'image-too-large');
  assert.match(error.message, /64×48 = 3,072 pixels/);
  assert.match(error.message, /limit of 3,071 pixels/);
});

test('a pixel limit that is not a positive integer is a configuration error, not a bad image', async () => {
  const png = await solid(4, 4, RED).png().toBuffer();
  for (const maxPixels of [0, -1, 2.5, Number.NaN]) {
    await assert.rejects(decodeImage(png, { name: 'a', maxPixels }), {
      name: 'RangeError',
      message: `The maximum pixels per image must be a positive integer, got ${maxPixels}.`,
    });
  }
});

test('a 30000×30000 PNG header is refused from the header alone, fast and without allocating', async () => {
  const bomb = pngHeaderOnly(30000, 30000);
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const error = await rejection(bomb, 50_000_000);
  assert.equal(error.code, 'image-too-large');
  assert.match(error.message, /30000×30000 = 900,000,000 pixels/);
  assert.ok(performance.now() - started < 1000, 'refused before decoding');
  // Decoding would need 2.7 GB; allow generous noise for the runtime itself.
  assert.ok(process.memoryUsage().rss - before < 200 * 2 ** 20, 'no pixel buffer was allocated');
});

test('bad input: each case is refused with a clear message', async () => {
  const png = await rawRgb(
    rgbPixels(64, 64, (x, y) => [x * 4, y * 4, (x * y) % 256]),
    64,
    64,
  )
    .png()
    .toBuffer();
  const jpeg = await rawRgb(
    rgbPixels(64, 64, (x, y) => [x * 4, y * 4, (x * y) % 256]),
    64,
    64,
  )
    .jpeg()
    .toBuffer();
  const bmp = Buffer.alloc(70);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(70, 2);
  bmp.writeUInt32LE(40, 14);
  const cases: [what: string, bytes: Uint8Array, message: RegExp][] = [
    ['zero bytes', new Uint8Array(0), /is empty \(0 bytes\)/],
    [
      'a text file named .png',
      Buffer.from('Not an image, just some notes.\n'),
      /is not an image this extension can read.*PNG, JPEG/,
    ],
    [
      'a PNG cut short',
      png.subarray(0, png.length - 40),
      /looks like a PNG image but could not be decoded \(.+\)\. The file may be damaged or incomplete/,
    ],
    [
      'a JPEG cut in half',
      jpeg.subarray(0, jpeg.length >> 1),
      /looks like a JPEG image but could not be decoded \(.+\)\. The file may be damaged or incomplete/,
    ],
    ['a PNG cut inside its header', png.subarray(0, 20), /is not an image this extension can read/],
    ['a BMP', bmp, /is a BMP image, which is not supported/],
  ];
  for (const [what, bytes, message] of cases) {
    const error = await rejection(bytes);
    assert.equal(error.code, 'bad-image', what);
    assert.match(error.message, message, what);
  }
});
