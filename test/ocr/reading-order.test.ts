import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bounds } from '../../src/ocr/geometry.ts';
import { readingOrder } from '../../src/ocr/reading-order.ts';

const box = (x0: number, y0: number, width: number, height = 20): Bounds => ({
  x0,
  y0,
  x1: x0 + width,
  y1: y0 + height,
});
const order = (bounds: Bounds[]): number[] => readingOrder(bounds).flat(2);

test('two columns of flowing text are read one after the other, each top to bottom', () => {
  // Lines 0–4: left column, wrapped to its full width (the last line shorter); 5–9: right column.
  const left = [300, 298, 300, 299, 160].map((w, i) => box(20, 40 + i * 18, w));
  const right = [300, 300, 297, 300, 120].map((w, i) => box(400, 40 + i * 18, w));
  const title = box(250, 5, 200);
  // Given in an order that is neither.
  const lines = [title, ...right, ...left];
  const got = order(lines);
  assert.deepEqual(got, [0, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5]);
});

test('paragraph gaps at the same height in both columns do not interleave them', () => {
  const column = (x: number): Bounds[] => [0, 1, 2, 4, 5, 6].map((row) => box(x, 20 + row * 18, 280));
  const got = order([...column(20), ...column(380)]);
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
});

test('rows that line up across a gap (a table, ls -l, aligned comments) are read row by row', () => {
  const lines = [
    box(20, 20, 80),
    box(300, 20, 60),
    box(20, 50, 120),
    box(300, 50, 40),
    box(20, 80, 70),
    box(300, 80, 90),
  ];
  assert.deepEqual(order(lines), [0, 1, 2, 3, 4, 5]);
});

test('a sidebar whose items do not line up with the main text is read before it', () => {
  const sidebar = [0, 1, 2, 3].map((i) => box(10, 30 + i * 31, 90));
  const main = [0, 1, 2, 3, 4, 5].map((i) => box(250, 12 + i * 22, 500));
  assert.deepEqual(order([...main, ...sidebar]), [6, 7, 8, 9, 0, 1, 2, 3, 4, 5]);
});

test('lines on one row are read left to right, and close lines form one block', () => {
  const blocks = readingOrder([box(200, 10, 80), box(10, 12, 150), box(10, 34, 150), box(10, 200, 150)]);
  assert.deepEqual(blocks, [[[1, 0], [2]], [[3]]]);
});
