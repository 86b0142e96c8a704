// An editor's minimap is found by the blank between its inked rows, and what is read in it is no text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Bounds, quadBounds } from '../../src/ocr/geometry.ts';
import { minimapLeft } from '../../src/ocr/minimap.ts';
import { paintScreen, type Rgb } from '../support/paint.ts';
import { readEditorScreenshot } from '../support/editor-screenshot.ts';

const BACKGROUND: Rgb = [31, 31, 31];
const INK: Rgb = [200, 200, 200];
const AREA: Bounds = { x0: 0, y0: 0, x1: 600, y1: 400 };
const ROW = 19;

/** Rows of code: 12-pixel bands of ink every 19 pixels, of varied lengths, from x = 40. */
function code(right: number): Array<[Bounds, Rgb]> {
  return Array.from({ length: 20 }, (_, i): [Bounds, Rgb] => [
    { x0: 40, x1: Math.min(right, 120 + ((i * 137) % 400)), y0: i * ROW + 4, y1: i * ROW + 16 },
    INK,
  ]);
}

/** A minimap from x = 480: a 2-pixel line per line of the file, now and then a blank one, some long, some short. */
function minimap(): Array<[Bounds, Rgb]> {
  return Array.from({ length: 180 }, (_, i): [Bounds, Rgb] => [
    { x0: 480 + (i % 7), x1: 480 + 20 + ((i * 31) % 90), y0: i * 2, y1: i * 2 + (i % 9 === 4 ? 0 : 2) },
    INK,
  ]);
}

test("a minimap's left edge is found at an editor's right; code alone has none", () => {
  const left = minimapLeft(paintScreen(600, 400, BACKGROUND, [...code(470), ...minimap()]), AREA, ROW);
  assert.ok(left !== undefined && left >= 470 && left <= 481, `minimap edge at ${left}`);
  assert.equal(minimapLeft(paintScreen(600, 400, BACKGROUND, code(600)), AREA, ROW), undefined);
  assert.equal(minimapLeft(paintScreen(600, 400, BACKGROUND, []), AREA, ROW), undefined);
});

test('on a real editor screenshot, nothing is read in the minimap, and the code rows beside it end with the code', async () => {
  const result = await readEditorScreenshot('terminal-ls-dark.png');
  // The minimap lies right of x = 1470 from the editor's top (y = 88) to the terminal panel (y = 646).
  const inMinimap = result.lines.filter((l) => {
    const b = quadBounds(l.box);
    return (b.x0 + b.x1) / 2 > 1470 && b.y1 > 88 && b.y0 < 646;
  });
  assert.deepEqual(
    inMinimap.map((l) => l.text),
    [],
  );
  assert.equal(
    result.lines.find((l) => l.lineNumber === 9)?.text,
    "import { mergeWindowBoxes, type WindowBox } from './merge.ts';",
  );
});
