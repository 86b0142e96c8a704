import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resizeRgb } from '../../src/image/resize.ts';
import { rgbPixels } from './make-images.ts';

test('at the image’s own size the resize is the identity (the same bytes, not a copy)', async () => {
  const image = { width: 9, height: 4, data: rgbPixels(9, 4, (x, y) => [x * 28, y * 60, 7]), format: 'png' };
  assert.equal(await resizeRgb(image, 9, 4), image.data);
});

test('a solid colour stays exactly that colour when enlarged, shrunk or squashed', async () => {
  const colour = [37, 201, 90];
  const image = { width: 61, height: 23, data: rgbPixels(61, 23, () => [37, 201, 90]), format: 'png' };
  for (const [width, height] of [
    [448, 112],
    [28, 28],
    [7, 200],
    [1, 1],
  ] as const) {
    const resized = await resizeRgb(image, width, height);
    assert.equal(resized.length, width * height * 3);
    resized.forEach((v, i) => assert.equal(v, colour[i % 3], `${width}×${height}, byte ${i}`));
  }
});

test('a vertical edge stays where it was, relative to the width, after a squash', async () => {
  // Left 40% black, right 60% white: the edge sits at 40% of any output width.
  const image = {
    width: 100,
    height: 10,
    data: rgbPixels(100, 10, (x) => (x < 40 ? [0, 0, 0] : [255, 255, 255])),
    format: 'png',
  };
  const rowOf = async (width: number) => {
    const resized = await resizeRgb(image, width, 7);
    return Array.from({ length: width }, (_, x) => resized[(3 * width + x) * 3]!);
  };
  const assertEdge = (row: number[], from: number, to: number) => {
    row.forEach((v, x) => {
      if (x < from) assert.equal(v, 0, `x=${x}`);
      if (x > to) assert.equal(v, 255, `x=${x}`);
    });
  };
  // Shrinking: the edge at x = 20 is centred, the two pixels beside it mirror each other.
  const half = await rowOf(50);
  assertEdge(half, 19, 20);
  assert.equal(half[19]! + half[20]!, 255);
  // 0.73×: the edge at 29.2 covers 20% of pixel 29.
  const shrunk = await rowOf(73);
  assertEdge(shrunk, 29, 29);
  assert.ok(Math.abs(shrunk[29]! - 0.8 * 255) <= 2, `pixel 29 = ${shrunk[29]}`);
  // Enlarging: the edge at x = 80 stays within a pixel (libvips' half-pixel offset, see resizeRgb).
  assertEdge(await rowOf(200), 79, 81);
});
