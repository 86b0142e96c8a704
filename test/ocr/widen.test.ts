// Boxes fitted to the ink of their characters, on painted rows: glyphs are black rectangles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Bounds, boundsQuad, quadBounds } from '../../src/ocr/geometry.ts';
import { widenToInk } from '../../src/ocr/widen.ts';
import { paintScreen, type Rgb } from '../support/paint.ts';

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [0, 0, 0];
const AREA = { x0: 0, y0: 0, x1: 300, y1: 40 };
/** Three letters between x = 100 and 126 on a row from y = 12 to 28; the detector's box leaves 2 pixels around them. */
const LETTERS: Bounds[] = [100, 110, 120].map((x) => ({ x0: x, x1: x + 6, y0: 12, y1: 28 }));
const BOX = { x0: 98, x1: 128, y0: 10, y1: 30 };

const glyphs = (rects: Bounds[]): Array<[Bounds, Rgb]> => rects.map((r) => [r, INK]);
const widened = (rects: Bounds[], boxes: Bounds[]): Bounds[] =>
  widenToInk(paintScreen(AREA.x1, AREA.y1, WHITE, glyphs(rects)), boxes.map(boundsQuad), AREA).map(quadBounds);

test('a box takes in the low and thin characters next to it (an underscore, a comma), keeping its margin', () => {
  const underscore = { x0: 88, x1: 96, y0: 26, y1: 28 };
  const comma = { x0: 130, x1: 132, y0: 24, y1: 29 };
  const [box] = widened([...LETTERS, underscore, comma], [BOX]);
  assert.deepEqual(box, { x0: 86, x1: 134, y0: 10, y1: 30 });
});

test('a word a space away, a border line and another box on the row stay out', () => {
  const word = { x0: 60, x1: 90, y0: 12, y1: 28 }; // 10 pixels (half the box height) before the letters
  const border = { x0: 133, x1: 134, y0: 0, y1: 40 }; // a pane's edge, inked over the whole row
  assert.deepEqual(widened([...LETTERS, word, border], [BOX]), [BOX]);
  // Letters of another box right after these: neither box reaches into the other.
  const next = { x0: 131, x1: 160, y0: 12, y1: 28 };
  const nextBox = { x0: 129, x1: 162, y0: 10, y1: 30 };
  assert.deepEqual(widened([...LETTERS, next], [BOX, nextBox]), [BOX, nextBox]);
});

test('ink running on past the reach is taken only up to the last character that ends before it', () => {
  // Characters every 10 pixels; the reach (two box heights) ends inside the one from 160 to 170.
  const trail = [130, 140, 150]
    .map((x) => ({ x0: x, x1: x + 7, y0: 12, y1: 28 }))
    .concat({ x0: 160, x1: 171, y0: 12, y1: 28 });
  const [box] = widened([...LETTERS, ...trail], [BOX]);
  assert.deepEqual(box, { ...BOX, x1: 128 + (156 - 125) });
});

test('two boxes of one row that overlap are parted in the gap between their characters', () => {
  // A keyword and a name in other colours, found apart: the second box reaches into the keyword's last letter.
  const name = [134, 144, 154].map((x) => ({ x0: x, x1: x + 6, y0: 12, y1: 28 }));
  const nameBox = { x0: 122, x1: 162, y0: 10, y1: 30 };
  assert.deepEqual(widened([...LETTERS, ...name], [BOX, nameBox]), [
    { ...BOX, x1: 127 },
    { ...nameBox, x0: 127 },
  ]);
});

test('boxes of vertical text are left as they are', () => {
  // A column of letters read top to bottom, with ink beside it that a row would take in.
  const column = { x0: 100, x1: 108, y0: 2, y1: 38 };
  const beside = { x0: 111, x1: 115, y0: 10, y1: 30 };
  const box = { x0: 99, x1: 110, y0: 0, y1: 40 };
  assert.deepEqual(widened([column, beside], [box]), [box]);
});
