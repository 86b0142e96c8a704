import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCtc, isCjk, isLatin, latinClasses } from '../../src/ocr/ctc.ts';

const CHARS = ['', 'a', 'b', '（', '你', ' ', 'θ'];

/** Probabilities for a best-class sequence, each best class at `p`, the rest shared. */
function frames(best: number[], p = 0.9): Float32Array {
  const out = new Float32Array(best.length * CHARS.length).fill((1 - p) / (CHARS.length - 1));
  best.forEach((c, t) => (out[t * CHARS.length + c] = p));
  return out;
}

test('CTC decoding collapses repeats, drops blanks and keeps each character’s frame centre', () => {
  const glyphs = decodeCtc(frames([0, 1, 1, 0, 1, 2, 2, 2, 0, 5, 0]), 0, 11, CHARS.length, CHARS);
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
    decodeCtc(batch, 3 * CHARS.length, 3, CHARS.length, CHARS).map((g) => [g.char, g.frame]),
    [['b', 1.5]],
  );
  assert.deepEqual(decodeCtc(frames([0, 0]), 0, 2, CHARS.length, CHARS), []);
});

test('decoding held to Latin characters picks the best of them, renormalised', () => {
  // Frame 1 is 60 % "你", 30 % "a"; held to Latin it reads "a" at 0.3 / (1 − 0.6 − 0.02 for "（" − 0.02 for "θ").
  const probs = new Float32Array(3 * CHARS.length);
  probs.set([0.88, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02], 0);
  probs.set([0.02, 0.3, 0.02, 0.02, 0.6, 0.02, 0.02], CHARS.length);
  probs.set([0.88, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02], 2 * CHARS.length);
  assert.deepEqual(
    decodeCtc(probs, 0, 3, CHARS.length, CHARS).map((g) => g.char),
    ['你'],
  );
  const latin = decodeCtc(probs, 0, 3, CHARS.length, CHARS, latinClasses(CHARS));
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
