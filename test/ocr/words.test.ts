import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReadLine } from '../../src/ocr/recognize.ts';
import { composeLine } from '../../src/ocr/words.ts';

/** A read line: characters at x, ink runs [x0, x1). */
function line(chars: Array<[string, number]>, runs: Array<[number, number]>, textHeight = 12): ReadLine {
  return {
    box: [
      [0, 0],
      [200, 0],
      [200, 20],
      [0, 20],
    ],
    vertical: false,
    flipped: false,
    cropWidth: 200,
    glyphs: chars.map(([char, x]) => ({ char, x, frame: 0, prob: 0.9 })),
    ink: { runs, textHeight },
  };
}

test('a wide gap in the ink becomes a space the recognizer did not write', () => {
  // "Save changes": letters 1 px apart, the words 6 px apart.
  const composed = composeLine(
    line(
      [
        ['S', 3],
        ['a', 9],
        ['v', 15],
        ['e', 21],
        ['c', 32],
        ['h', 38],
        ['a', 44],
        ['n', 50],
        ['g', 56],
        ['e', 62],
        ['s', 68],
      ],
      [
        [0, 6],
        [7, 12],
        [13, 18],
        [19, 24],
        [30, 35],
        [36, 41],
        [42, 47],
        [48, 53],
        [54, 59],
        [60, 65],
        [66, 71],
      ],
    ),
  );
  assert.equal(composed.text, 'Save changes');
  assert.deepEqual(
    composed.words.map((w) => [w.text, w.x0, w.x1]),
    [
      ['Save', 0, 24],
      ['changes', 30, 71],
    ],
  );
});

test('monospaced letters with wide bearings are not split into words', () => {
  // "int x": in a monospaced font "i" and "t" leave 3–4 px gaps; the space leaves 11 px.
  const composed = composeLine(
    line(
      [
        ['i', 4],
        ['n', 12],
        ['t', 21],
        ['x', 38],
      ],
      [
        [3, 6],
        [9, 15],
        [18, 24],
        [35, 41],
      ],
    ),
  );
  assert.equal(composed.text, 'int x');
});

test('the recognizer’s own spaces are kept, and a character read between two runs goes to the empty one', () => {
  // The "b" was placed in the gap nearer "a"'s run; the run on its right would be left without a character.
  const composed = composeLine(
    line(
      [
        ['a', 5],
        [' ', 12],
        ['b', 13],
        ['c', 30],
      ],
      [
        [2, 8],
        [15, 21],
        [27, 33],
      ],
    ),
  );
  assert.equal(composed.text, 'a bc');
  assert.deepEqual(
    composed.groups.map((g) => g.text),
    ['a', 'b', 'c'],
  );
});
