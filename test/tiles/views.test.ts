import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DecodedImage } from '../../src/image/decode.ts';
import { resizeRgb } from '../../src/image/resize.ts';
import { planGrid } from '../../src/tiles/plan.ts';
import { makeViews, type Normalisation } from '../../src/tiles/views.ts';
import { rgbPixels, type Rgb } from '../image/make-images.ts';

const CLIP: Normalisation = {
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
};

function image(width: number, height: number, colour: (x: number, y: number) => Rgb): DecodedImage {
  return { width, height, data: rgbPixels(width, height, colour), format: 'png' };
}

/** A textured pattern with no symmetry, so a tile taken from the wrong place or plane cannot match. */
const noise = (x: number, y: number): Rgb => [
  (x * 37 + y * 11) % 256,
  (x * 5 + y * 71 + 13) % 256,
  (x * y + 3 * x + 7) % 256,
];

/** Reference: crop a size×size square, then normalise it channel by channel into CHW. */
function cropAndNormalise(
  rgb: Uint8Array,
  width: number,
  top: number,
  left: number,
  size: number,
  norm: Normalisation,
): Float32Array {
  const crop = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    crop.set(rgb.subarray(((top + y) * width + left) * 3, ((top + y) * width + left + size) * 3), y * size * 3);
  const chw = new Float32Array(3 * size * size);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < size * size; p++)
      chw[c * size * size + p] = (crop[p * 3 + c]! / 255 - norm.mean[c]!) / norm.std[c]!;
  }
  return chw;
}

function view(views: Float32Array, index: number, size: number): Float32Array {
  return views.subarray(index * 3 * size * size, (index + 1) * 3 * size * size);
}

test('views = thumbnail then tiles row-major, cut and normalised exactly from the resized pixels', async () => {
  const source = image(97, 61, noise);
  const grid = planGrid(97, 61, 28, 16);
  assert.deepEqual([grid.rows, grid.cols], [2, 3]);
  const views = await makeViews(source, grid, CLIP);
  assert.equal(views.length, 7 * 3 * 28 * 28);
  // The same two resizes makeViews makes; libvips is deterministic.
  const tiled = await resizeRgb(source, 3 * 28, 2 * 28);
  const thumbnail = await resizeRgb(source, 28, 28);
  assert.deepEqual(view(views, 0, 28), cropAndNormalise(thumbnail, 28, 0, 0, 28, CLIP));
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 3; j++) {
      assert.deepEqual(
        view(views, 1 + i * 3 + j, 28),
        cropAndNormalise(tiled, 84, i * 28, j * 28, 28, CLIP),
        `tile ${i},${j}`,
      );
    }
  }
});

test('an image already rows·T × cols·T is tiled without resampling', async () => {
  const source = image(3 * 28, 2 * 28, noise);
  const views = await makeViews(source, planGrid(84, 56, 28, 16), CLIP);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 3; j++) {
      assert.deepEqual(
        view(views, 1 + i * 3 + j, 28),
        cropAndNormalise(source.data, 84, i * 28, j * 28, 28, CLIP),
        `tile ${i},${j}`,
      );
    }
  }
});

test('a solid colour gives the same normalised value in every pixel of every view', async () => {
  const colour: Rgb = [12, 200, 77];
  const views = await makeViews(
    image(123, 77, () => colour),
    planGrid(123, 77, 28, 16),
    CLIP,
  );
  const plane = 28 * 28;
  views.forEach((v, n) => {
    const c = Math.floor(n / plane) % 3;
    assert.equal(v, Math.fround((colour[c]! / 255 - CLIP.mean[c]!) / CLIP.std[c]!), `sample ${n}`);
  });
});

test('a block pattern aligned to the grid lands each block in its own tile and thumbnail region', async () => {
  // 2×3 blocks of 50×60 px (not multiples of T = 56): the squash enlarges each block to one tile.
  const colours: Rgb[] = [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [255, 255, 0],
    [0, 255, 255],
    [255, 0, 255],
  ];
  const source = image(150, 120, (x, y) => colours[Math.floor(y / 60) * 3 + Math.floor(x / 50)]!);
  const grid = planGrid(150, 120, 56, 16);
  assert.deepEqual([grid.rows, grid.cols], [2, 3]);
  const views = await makeViews(source, grid, CLIP);
  const expected = (colour: Rgb, c: number) => Math.fround((colour[c]! / 255 - CLIP.mean[c]!) / CLIP.std[c]!);
  const sample = (index: number, c: number, x: number, y: number) => views[((index * 3 + c) * 56 + y) * 56 + x]!;
  const margin = 4; // cubic support at the block edges
  for (let block = 0; block < 6; block++) {
    const colour = colours[block]!;
    for (let c = 0; c < 3; c++) {
      for (let y = margin; y < 56 - margin; y++) {
        for (let x = margin; x < 56 - margin; x++)
          assert.equal(sample(1 + block, c, x, y), expected(colour, c), `tile ${block} (${x}, ${y})`);
      }
      // In the 56×56 thumbnail each block covers about 18.7×28 px.
      const [bi, bj] = [Math.floor(block / 3), block % 3];
      for (let y = bi * 28 + margin; y < (bi + 1) * 28 - margin; y++) {
        for (let x = Math.ceil((bj * 56) / 3) + margin; x < Math.floor(((bj + 1) * 56) / 3) - margin; x++) {
          assert.equal(sample(0, c, x, y), expected(colour, c), `thumbnail block ${block} (${x}, ${y})`);
        }
      }
    }
  }
});

test('a grid whose view count does not match its rows and columns is refused', async () => {
  const grid = { ...planGrid(56, 56, 28, 4), views: 3 };
  await assert.rejects(makeViews(image(56, 56, noise), grid, CLIP), {
    name: 'RangeError',
    message: /2×2 grid has 5 views/,
  });
});
