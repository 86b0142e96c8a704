// Where a missed code row is cropped for a second look, on painted rows (glyphs are black rectangles), and
// which rows get one, on a real screenshot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlacedLine } from '../../src/ocr/assemble.ts';
import { fullestReading, gapBoxes, readAgain, sureGapReading } from '../../src/ocr/gap-boxes.ts';
import { type Bounds, boundsQuad, quadBounds } from '../../src/ocr/geometry.ts';
import { paintScreen, type Rgb } from '../support/paint.ts';
import { readEditorScreenshot } from '../support/editor-screenshot.ts';

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [0, 0, 0];
const AREA = { x0: 0, y0: 0, x1: 400, y1: 60 };
/**
 * A code row from y = 20 to 40 whose text starts at x = 120; its line number's ink ends 22 pixels
 * left of that, and the box it was read in (with the detector's margin) 18 pixels, less than a row height.
 */
const GAP = { x0: 120, x1: 400, y0: 20, y1: 40 };
const NUMBER_INK = { x0: 84, x1: 98, y0: 24, y1: 36 };
const NUMBER = { x0: 82, x1: 102, y0: 21, y1: 39 };
const CODE: Bounds[] = [150, 160, 170, 180].map((x) => ({ x0: x, x1: x + 6, y0: 24, y1: 36 }));

const line = (b: Bounds, text: string): PlacedLine => ({ box: boundsQuad(b), text, confidence: 1 });
const screen = paintScreen(
  AREA.x1,
  AREA.y1,
  WHITE,
  [NUMBER_INK, ...CODE].map((r): [Bounds, Rgb] => [r, INK]),
);

test('a missed code row beside its read line number is looked at again, around its ink', () => {
  const boxes = gapBoxes(screen, AREA, [GAP], [line(NUMBER, '32')]);
  assert.equal(boxes.length, 1);
  for (const box of boxes[0]!.map(quadBounds)) {
    assert.ok(
      box.x0 >= NUMBER_INK.x1 && box.x0 < 150 && box.x1 > 186,
      `${JSON.stringify(box)} holds the code's ink and not the number`,
    );
    assert.deepEqual([box.y0, box.y1], [GAP.y0, GAP.y1]);
  }
});

test('a code row already read is not looked at again', () => {
  assert.deepEqual(
    gapBoxes(screen, AREA, [GAP], [line(NUMBER, '32'), line({ x0: 148, x1: 188, y0: 22, y1: 38 }, 'abcd')]),
    [],
  );
});

test("a row's ink ends at a wide blank: a mark far right of it (a minimap, a ruler) is no part of the crop", () => {
  const far: Bounds = { x0: 380, x1: 386, y0: 22, y1: 38 };
  const marked = paintScreen(
    AREA.x1,
    AREA.y1,
    WHITE,
    [NUMBER_INK, ...CODE, far].map((r): [Bounds, Rgb] => [r, INK]),
  );
  for (const box of gapBoxes(marked, AREA, [GAP], [line(NUMBER, '32')])[0]!.map(quadBounds)) {
    assert.ok(box.x1 > 186 && box.x1 < far.x0, `${JSON.stringify(box)} ends between the code and the mark`);
  }
});

test('of the croppings of a missed row, the sure reading with the most characters counts, then the surest', () => {
  const r = (text: string, confidence: number) => ({ text, confidence });
  assert.deepEqual(fullestReading([r(',', 0.95), r('},', 0.88), r(',', 0.84)], 0.5), r('},', 0.88));
  assert.deepEqual(fullestReading([r('x},', 0.4), r('x', 0.6)], 0.5), r('x', 0.6));
  assert.deepEqual(fullestReading([r('}', 0.7), r(')', 0.9)], 0.5), r(')', 0.9));
  // Quotes alone are taken from 0.2: the recognizer is never sure of a docstring's lone quotes.
  assert.deepEqual(fullestReading([r('""', 0.24), r('"·', 0.2), r('', 0)], 0.5), r('""', 0.24));
  assert.deepEqual(
    [r('""', 0.21), r('```', 0.3), r('"', 0.15), r(')', 0.48), r('ab', 0.21), r('', 0.9), r('x', 0.5), r(' ', 0.9)].map(
      (x) => sureGapReading(x, 0.5),
    ),
    [true, true, false, false, false, false, true, false],
  );
});

test('a numbered row the detector missed inside the current-line border is read, with its line number', async () => {
  // The left editor's line 1 is in the light theme's current-line border; the right editor has a line 1 too.
  const result = await readEditorScreenshot('split-py-ts-light.png');
  const first = result.lines.find((l) => l.lineNumber === 1 && quadBounds(l.box).x0 < 900);
  assert.match(first?.text ?? '', /^"""Architecture configuration, read from and written to a/);
});

test("a docstring's lone closing quotes, high in their row and read unsurely, are read with their line number", async () => {
  // Line 14 of the light Python screenshot is `"""` alone, dark red on white: the detector misses it, and its
  // ink sits in the top of the row.
  const result = await readEditorScreenshot('editor-py-light.png');
  const row = result.lines.find((l) => l.lineNumber === 14);
  assert.match(row?.text ?? '', /^"+$/);
});

test("a missed row's reading of a read line's letters, across it and within a row, is that line read again", () => {
  const read = line({ x0: 485, x1: 883, y0: 134, y1: 151 }, 'self.heads, self.dim_head = c.heads, c.dim_head');
  const ghost = line({ x0: 478, x1: 899, y0: 124, y1: 144 }, 'self headsself dim head = c heads c dim head.');
  assert.ok(readAgain(ghost, [read]));
  // Other letters, another place across, or two rows away: a row of its own.
  assert.ok(!readAgain({ ...ghost, text: 'self.norm = nn.LayerNorm(dim)' }, [read]));
  assert.ok(!readAgain({ ...ghost, box: boundsQuad({ x0: 1000, x1: 1400, y0: 124, y1: 144 }) }, [read]));
  assert.ok(!readAgain({ ...ghost, box: boundsQuad({ x0: 478, x1: 899, y0: 172, y1: 192 }) }, [read]));
});
