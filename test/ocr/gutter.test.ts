import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineNumbers, numberBeside } from '../../src/ocr/gutter.ts';

const PITCH = 19;

/** A right-aligned label ending at x = right on row `row`. */
function label(
  text: string,
  row: number,
  right = 95,
  y0 = 90,
): { text: string; bounds: { x0: number; y0: number; x1: number; y1: number } } {
  return {
    text,
    bounds: { x0: right - 8 * text.length - 4, y0: y0 + row * PITCH, x1: right + (row % 2), y1: y0 + row * PITCH + 17 },
  };
}

test('a right-aligned column of increasing integers is a gutter; misread numbers come from their neighbours', () => {
  const lines = [
    label('98', 0),
    { text: 'const a = 1;', bounds: { x0: 120, y0: 90, x1: 300, y1: 107 } },
    label('99', 1),
    label('100', 2),
    label('1O1', 3),
    label('102', 4),
    label('18', 5),
    label('104', 6),
  ];
  const found = lineNumbers(lines);
  assert.deepEqual(
    [...found.entries()].sort((a, b) => a[0] - b[0]),
    [
      [0, 98],
      [2, 99],
      [3, 100],
      [4, 101],
      [5, 102],
      [6, 103],
      [7, 104],
    ],
  );
});

test('two editors side by side have a gutter each; numbers that do not increase or do not line up are no gutter', () => {
  const left = [1, 2, 3, 4].map((n, row) => label(String(n), row, 40));
  const right = [57, 58, 59].map((n, row) => label(String(n), row, 700));
  const settings = [label('14', 0, 400), label('4', 1, 400), label('1000', 2, 400)];
  const scattered = [label('5', 0, 900), label('6', 1, 960), label('7', 2, 1020)];
  const found = lineNumbers([...left, ...right, ...settings, ...scattered]);
  assert.deepEqual(
    [...found.values()].sort((a, b) => a - b),
    [1, 2, 3, 4, 57, 58, 59],
  );
  assert.deepEqual(
    [...found.keys()].sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6],
  );
});

test('a row whose number the detector missed gets the one its neighbours agree on; a wrapped row gets none', () => {
  // Numbers 2, 3, 5, 6 read; 1 (above them) and 4 missed; a wrapped line's second row between 6 and 7.
  const gutter = [
    { y: 2 * PITCH, value: 2 },
    { y: 3 * PITCH, value: 3 },
    { y: 5 * PITCH, value: 5 },
    { y: 6 * PITCH, value: 6 },
    { y: 8 * PITCH, value: 7 },
  ];
  assert.equal(numberBeside(gutter, 3 * PITCH + 2, PITCH), 3);
  assert.equal(numberBeside(gutter, 1 * PITCH, PITCH), 1);
  assert.equal(numberBeside(gutter, 4 * PITCH, PITCH), 4);
  assert.equal(numberBeside(gutter, 7 * PITCH, PITCH), undefined);
  assert.equal(numberBeside(gutter, 0, PITCH), undefined);
  assert.equal(numberBeside(gutter, 10 * PITCH, PITCH), undefined);
});
