import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Bounds, inside } from '../../src/ocr/geometry.ts';
import { findRegions } from '../../src/ocr/regions.ts';
import { paintScreen as screen, type Rgb } from '../support/paint.ts';

const EDITOR: Rgb = [31, 31, 31];
const SIDE_BAR: Rgb = [24, 24, 24];
const BORDER: Rgb = [43, 43, 43];
const WHOLE = { x0: 0, y0: 0, x1: 600, y1: 300 };

/** Rows of text boxes between x0 and x1, from y = top. */
function rows(x0: number, x1: number, top: number, count: number): Bounds[] {
  return Array.from({ length: count }, (_, i) => ({ x0, x1, y0: top + i * 19, y1: top + i * 19 + 17 }));
}

function regionOf(box: Bounds, regions: Bounds[]): number {
  return regions.findIndex((r) => inside(box, r));
}

test('a side bar, two editors side by side and a tab strip are regions of their own, in reading order', () => {
  // Side bar (its own background and border), a 1-pixel border between two editor groups, tab strips of the side bar's colour.
  const image = screen(600, 300, EDITOR, [
    [{ x0: 0, y0: 0, x1: 120, y1: 300 }, SIDE_BAR],
    [{ x0: 120, y0: 0, x1: 600, y1: 35 }, SIDE_BAR],
    [{ x0: 119, y0: 0, x1: 120, y1: 300 }, BORDER],
    [{ x0: 360, y0: 0, x1: 361, y1: 300 }, BORDER],
  ]);
  const explorer = rows(10, 100, 40, 5);
  const tabs = [
    { x0: 130, x1: 220, y0: 8, y1: 26 },
    { x0: 370, x1: 460, y0: 8, y1: 26 },
  ];
  const left = rows(130, 350, 40, 10);
  const right = rows(370, 590, 40, 10);
  const regions = findRegions(image, WHOLE, [...explorer, ...tabs, ...left, ...right], new Set());
  const [e, t0, t1, l, r] = [explorer[0]!, tabs[0]!, tabs[1]!, left[0]!, right[0]!].map((b) =>
    regionOf(b, regions),
  ) as [number, number, number, number, number];
  // Every row of a pane stays with its pane.
  for (const [boxes, region] of [
    [explorer, e],
    [left, l],
    [right, r],
  ] as const)
    assert.ok(boxes.every((b) => regionOf(b, regions) === region));
  assert.equal(new Set([e, t0, t1, l, r]).size, 5, JSON.stringify(regions));
  // Side bar first, then each group left to right with its tab strip above its code.
  assert.ok(e < t0 && t0 < l && l < t1 && t1 < r, `${[e, t0, l, t1, r]}`);
});

test('a line that text runs across is no border; the frame around the current line is no region', () => {
  const image = screen(600, 300, EDITOR, [
    [{ x0: 300, y0: 0, x1: 301, y1: 300 }, BORDER],
    // The current line's frame: two lines one text row apart.
    [{ x0: 0, y0: 99, x1: 600, y1: 100 }, BORDER],
    [{ x0: 0, y0: 119, x1: 600, y1: 120 }, BORDER],
  ]);
  const text = [
    ...rows(10, 290, 5, 4),
    { x0: 10, x1: 500, y0: 81, y1: 98 },
    { x0: 10, x1: 290, y0: 101, y1: 118 },
    ...rows(10, 290, 122, 8),
  ];
  assert.equal(findRegions(image, WHOLE, text, new Set()).length, 1);
});

test('an indent guide does not cut a gutter off its code', () => {
  const image = screen(600, 300, EDITOR, [[{ x0: 80, y0: 0, x1: 81, y1: 300 }, BORDER]]);
  const numbers = rows(20, 40, 5, 14);
  const code = rows(100, 400, 5, 14);
  const regions = findRegions(image, WHOLE, [...numbers, ...code], new Set(numbers.map((_, i) => i)));
  assert.equal(regionOf(numbers[0]!, regions), regionOf(code[0]!, regions));
  // Without the numbers known as a gutter, the guide would be taken for a border.
  const cut = findRegions(image, WHOLE, [...numbers, ...code], new Set());
  assert.notEqual(regionOf(numbers[0]!, cut), regionOf(code[0]!, cut));
});

test('the tops of a row of dense text, lined up across most of the width, are no band edge', () => {
  // Justified text: the letters' tops make an edge along 70 % of the row, a few pixels into its boxes.
  const image = screen(600, 300, [255, 255, 255], [[{ x0: 20, y0: 104, x1: 440, y1: 112 }, [40, 40, 40]]]);
  const text = [...rows(20, 580, 20, 4), { x0: 18, x1: 582, y0: 100, y1: 118 }, ...rows(20, 580, 124, 8)];
  assert.equal(findRegions(image, WHOLE, text, new Set()).length, 1);
});

/** A floating box (the command palette): its background, a 1-pixel border and, inside, rows of text. */
function palette(box: Bounds): Array<[Bounds, Rgb]> {
  return [
    [{ x0: box.x0 - 1, y0: box.y0 - 1, x1: box.x1 + 1, y1: box.y1 + 1 }, [49, 49, 49]],
    [box, [34, 34, 34]],
  ];
}

test('a floating box over an editor is a region of its own, before the editor, which is cut as if the box were not there', () => {
  // Tab strip over the editor; the palette hangs from the tab strip's top over 43 % of its width and half the code.
  const box = { x0: 200, y0: 1, x1: 450, y1: 170 };
  const image = screen(600, 300, EDITOR, [[{ x0: 0, y0: 0, x1: 600, y1: 35 }, SIDE_BAR], ...palette(box)]);
  const tabs = [{ x0: 10, x1: 100, y0: 8, y1: 26 }];
  const list = rows(220, 400, 20, 7);
  // Code rows run on both sides of the box, and below it.
  const [left, right, below] = [rows(10, 190, 40, 7), rows(460, 590, 40, 7), rows(10, 590, 180, 6)];
  const regions = findRegions(image, WHOLE, [...tabs, ...list, ...left, ...right, ...below], new Set());
  const overlay = regionOf(list[0]!, regions);
  assert.ok(list.every((b) => regionOf(b, regions) === overlay));
  assert.deepEqual(regions[overlay], {
    ...box,
    x0: box.x0 - 1,
    x1: box.x1 + 1,
    y0: box.y0,
    y1: box.y1 + 1,
    floating: true,
  });
  const code = regionOf(left[0]!, regions);
  assert.ok(
    [...left, ...right, ...below].every((b) => regionOf(b, regions) === code),
    JSON.stringify(regions),
  );
  // The tab strip's lower edge shows along less than 60 % of the width, but is measured along what shows.
  assert.ok(overlay < code && regionOf(tabs[0]!, regions) !== code);
});

test('a bordered box one text row tall (an input field) is no floating box', () => {
  const input = { x0: 100, y0: 100, x1: 400, y1: 124 };
  const text = [{ x0: 110, x1: 300, y0: 103, y1: 121 }, ...rows(20, 580, 140, 6)];
  assert.equal(findRegions(screen(600, 300, EDITOR, palette(input)), WHOLE, text, new Set()).length, 1);
});
