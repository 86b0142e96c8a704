// Greedy CTC decoding that keeps where each character was read. paddleocr's decoder returns only
// the text; the frame of every character is what places words and rebuilds code columns.

export interface Glyph {
  char: string;
  /** Centre of the character's run of frames, in frames (may be fractional). */
  frame: number;
  /** The highest probability the character reached over its frames. */
  prob: number;
}

/**
 * Decodes one sequence of `frames` × `classes` probabilities starting at `offset` in `probs`:
 * per frame the most likely class, repeats collapsed, blanks (class 0) dropped.
 */
export function decodeCtc(probs: Float32Array, offset: number, frames: number, classes: number, characters: readonly string[]): Glyph[] {
  const glyphs: Glyph[] = [];
  let previous = 0;
  let start = 0;
  for (let t = 0; t <= frames; t++) {
    let best = 0;
    let bestProb = 0;
    if (t < frames) {
      const row = offset + t * classes;
      for (let c = 0; c < classes; c++) {
        const p = probs[row + c]!;
        if (p > bestProb) {
          bestProb = p;
          best = c;
        }
      }
    }
    if (t < frames && best === previous) {
      if (best !== 0) glyphs[glyphs.length - 1]!.prob = Math.max(glyphs[glyphs.length - 1]!.prob, bestProb);
      continue;
    }
    if (previous !== 0) glyphs[glyphs.length - 1]!.frame = (start + t - 1) / 2;
    if (t < frames && best !== 0) glyphs.push({ char: characters[best] ?? '', frame: t, prob: bestProb });
    previous = best;
    start = t;
  }
  return glyphs;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const FULLWIDTH = /[\uff01-\uff5e\u3000\u3002]/;

/**
 * The recognizer's dictionary is Chinese-first and often gives "（" or "，" for ASCII punctuation;
 * in a line with no CJK character they are folded to ASCII.
 */
export function foldFullwidth<T extends { char: string }>(glyphs: T[]): T[] {
  if (glyphs.some((g) => CJK.test(g.char))) return glyphs;
  return glyphs.map((g) => (FULLWIDTH.test(g.char) ? { ...g, char: g.char === '\u3002' ? '.' : g.char.normalize('NFKC') } : g));
}
