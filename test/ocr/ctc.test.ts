import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCtc, isCjk, isLatin, latinClasses } from '../../src/ocr/ctc.ts';

const CHARS = ['', 'a', 'b', '（', '你', ' ', 'θ'];

/** The picks (frame-picks.ts) of frames whose best class is at `p`, whether held to Latin or not. */
function frames(best: number[], p = 0.9): Float32Array {
  return Float32Array.from(best.flatMap((c) => [c, p, c, p, 1]));
}

test('CTC decoding collapses repeats, drops blanks and keeps each character’s frame centre', () => {
  const glyphs = decodeCtc(frames([0, 1, 1, 0, 1, 2, 2, 2, 0, 5, 0]), 0, 11, CHARS);
  assert.deepEqual(
    glyphs.map((g) => g.char),
    ['a', 'a', 'b', ' '],
  );
  assert.deepEqual(
    glyphs.map((g) => g.frame),
    [1.5, 4, 6, 9],
  );
  assert.ok(glyphs.every((g) => Math.abs(g.prob - 0.9) < 1e-6));
});

test('CTC decoding reads a sequence from an offset (one item of a batch)', () => {
  const batch = new Float32Array([...frames([1, 0, 0]), ...frames([0, 2, 2])]);
  assert.deepEqual(
    decodeCtc(batch, 3, 3, CHARS).map((g) => [g.char, g.frame]),
    [['b', 1.5]],
  );
  assert.deepEqual(decodeCtc(frames([0, 0]), 0, 2, CHARS), []);
});

test('decoding held to Latin characters takes their picks, the probability renormalised', () => {
  // Frame 1 is 60 % "你", 30 % "a"; held to Latin it reads "a" at 0.3 / (0.3 + 0.02 + 0.02 + 0.02 for the
  // blank, "b", " ").
  const picks = Float32Array.from([0, 0.88, 0, 0.88, 0.92, 4, 0.6, 1, 0.3, 0.36, 0, 0.88, 0, 0.88, 0.92]);
  assert.deepEqual(
    decodeCtc(picks, 0, 3, CHARS).map((g) => g.char),
    ['你'],
  );
  const latin = decodeCtc(picks, 0, 3, CHARS, true);
  assert.deepEqual(
    latin.map((g) => g.char),
    ['a'],
  );
  assert.ok(Math.abs(latin[0]!.prob - 0.3 / 0.36) < 1e-6);
});

test('Latin characters are told apart from CJK, full-width forms and other scripts', () => {
  assert.deepEqual(latinClasses(CHARS), Uint8Array.from([1, 1, 1, 0, 0, 1, 0]));
  assert.ok(isCjk('了') && isCjk('한') && !isCjk('（') && !isCjk('}'));
  assert.ok(['}', 'é', '€', '0', '"', ' '].every(isLatin));
  assert.ok(!['了', '（', '，', 'θ', 'Ж'].some(isLatin));
});
