// The third look at unread ink: which read line is spliced beside it, the image made of the splices, and
// which glyphs of its reading are the token's. Then the whole engine on a real editor screenshot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OcrLine } from '../../src/common/protocol.ts';
import type { PlacedLine } from '../../src/ocr/assemble.ts';
import { type Bounds, boundsQuad, quadBounds } from '../../src/ocr/geometry.ts';
import type { ReadLine } from '../../src/ocr/recognize.ts';
import { spliceFor, spliceImage, tokenLine, unreadInk } from '../../src/ocr/splice.ts';
import { paintScreen, type Rgb } from '../support/paint.ts';
import { readEditorScreenshot } from '../support/editor-screenshot.ts';

/** A read line whose runs are its words, each `width` pixels per character, one space apart. */
function line(x0: number, y0: number, height: number, words: string[], confidence = 1, width = 8): PlacedLine {
  let x = x0;
  const runs = words.map((text) => {
    const run = { x0: x, x1: x + text.length * width, text, centers: [] };
    x = run.x1 + width;
    return run;
  });
  return { box: boundsQuad({ x0, y0, x1: x - width, y1: y0 + height }), text: words.join(' '), confidence, runs };
}

// Row 1 (y 20–40): "import", an unread "{" at x 160–170, then "type Bounds }"; row 2 below it; a side bar left.
const IMPORT = line(100, 20, 20, ['import']);
const REST = line(184, 20, 20, ['type', 'Bounds', '}']);
const NEXT_ROW = line(100, 40, 20, ['export', 'const']);
const SIDE_BAR = line(0, 20, 20, ['models']);
const BRACE: Bounds = { x0: 160, y0: 23, x1: 170, y1: 37 };

test("unread ink is spliced with its own row's next words, never a side bar's line or a line of another size", () => {
  const splice = spliceFor(BRACE, [SIDE_BAR, IMPORT, REST, NEXT_ROW]);
  assert.deepEqual(splice?.reference, { box: quadBounds(REST.box), text: 'typeBounds}' });
  // The token is cut at its row's height, around its own centre.
  assert.deepEqual(splice?.target, { x0: 160, y0: 20, x1: 170, y1: 40 });
  // A lone token on a row of its own takes the nearest row's line.
  const alone = spliceFor({ x0: 100, y0: 63, x1: 110, y1: 77 }, [SIDE_BAR, IMPORT, REST, NEXT_ROW]);
  assert.equal(alone?.reference.text, 'exportconst');
  // Unsure lines, lines of twice the height and lines far left lend nothing.
  assert.equal(spliceFor(BRACE, [SIDE_BAR, line(184, 20, 20, ['type'], 0.6), line(184, 0, 40, ['tall'])]), undefined);
  // A long reference lends only its start: at most 8 row heights.
  const long = line(184, 20, 20, ['aaaaaaaa', 'bbbbbbbb', 'cccccccc']);
  assert.equal(spliceFor(BRACE, [long])?.reference.text, 'aaaaaaaabbbbbbbb');
});

test('the splices make one image: a strip each, token then a blank seam then the reference', () => {
  const background: Rgb = [30, 30, 30];
  const screen = paintScreen(300, 80, background, [
    [{ x0: 162, y0: 24, x1: 168, y1: 36 }, [200, 0, 0]],
    [{ x0: 184, y0: 24, x1: 220, y1: 36 }, [0, 200, 0]],
  ]);
  const splice = spliceFor(BRACE, [REST])!;
  const spliced = spliceImage(screen, [splice, splice]);
  const width = 10 + 12 + (splice.reference.box.x1 - splice.reference.box.x0);
  assert.deepEqual([spliced.image.width, spliced.image.height], [width, 40]);
  assert.deepEqual(spliced.seams, [16, 16]);
  assert.deepEqual(spliced.boxes.map(quadBounds), [
    { x0: 0, y0: 0, x1: width, y1: 20 },
    { x0: 0, y0: 20, x1: width, y1: 40 },
  ]);
  const at = (x: number, y: number): number[] => [
    ...spliced.image.data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3),
  ];
  assert.deepEqual(at(4, 10), [200, 0, 0]);
  assert.deepEqual(at(15, 10), background);
  assert.deepEqual(at(22, 10), [0, 200, 0]);
  assert.deepEqual(at(22, 30), [0, 200, 0]);
});

test("the token's reading is the glyphs left of the seam, and only when the reference reads as before", () => {
  const screen = paintScreen(300, 80, [255, 255, 255], []);
  const splice = spliceFor(BRACE, [REST])!;
  const reading = (chars: string): ReadLine => ({
    box: boundsQuad({ x0: 0, y0: 0, x1: 100, y1: 20 }),
    vertical: false,
    flipped: false,
    cropWidth: 100,
    glyphs: [...chars].map((char, i) => ({ char, frame: i, prob: 0.9, x: i < 1 ? 5 : 20 + i * 8 })),
    ink: { runs: [], textHeight: 12 },
  });
  const token = tokenLine(reading('{type Bounds }'), splice, 16, screen);
  assert.deepEqual(
    token?.glyphs.map((g) => g.char),
    ['{'],
  );
  assert.deepEqual(quadBounds(token!.box), splice.target);
  assert.equal(tokenLine(reading('{type Bounds ]'), splice, 16, screen), undefined);
  assert.equal(tokenLine(reading(' type Bounds }'), splice, 16, screen), undefined);
  // Typographic quotes for typed ones are the same reading.
  const quoted = { ...splice, reference: { ...splice.reference, text: "from'./a'" } };
  assert.deepEqual(
    tokenLine(reading('{from‘./a’'), quoted, 16, screen)?.glyphs.map((g) => g.char),
    ['{'],
  );
});

test('unread ink counts on a code line or a missed code row, not elsewhere nor where a read line covers it', () => {
  const code: OcrLine = {
    text: 'import type Bounds }',
    box: boundsQuad({ x0: 100, y0: 20, x1: 280, y1: 40 }),
    confidence: 1,
    indent: 0,
    block: 0,
  };
  const prose: OcrLine = {
    text: 'a heading',
    box: boundsQuad({ x0: 100, y0: 60, x1: 280, y1: 80 }),
    confidence: 1,
    block: 0,
  };
  const covered: Bounds = { x0: 190, y0: 22, x1: 198, y1: 38 };
  const targets = unreadInk(
    [BRACE, { x0: 150, y0: 62, x1: 160, y1: 78 }, covered].map(boundsQuad),
    [REST],
    [code, prose],
    [boundsQuad({ x0: 100, y0: 100, x1: 140, y1: 120 })],
  );
  assert.deepEqual(targets, [BRACE, { x0: 100, y0: 100, x1: 140, y1: 120 }]);
});

test('on a real editor screenshot, the "{" the recognizer cannot read alone is read beside its line', async () => {
  const lines = (await readEditorScreenshot('terminal-ls-dark.png')).lines.map((l) => l.text);
  for (const expected of [
    "import { type Bounds, boundsQuad, type Quad, quadBounds } from './geometry.ts';",
    "import { typicalTextHeight } from './text-height.ts';",
  ])
    assert.ok(lines.includes(expected), `${JSON.stringify(expected)} in ${JSON.stringify(lines)}`);
});
