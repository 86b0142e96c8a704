// Greedy CTC decoding that keeps where each character was read (paddleocr's decoder returns only
// the text; the frame of every character is what places words and rebuilds code columns), and can
// be held to a subset of the characters, such as the Latin ones on a Latin page. It reads the
// picks the recogniser's appended head gives per frame (frame-picks.ts), not the probabilities.
import { PICKS } from './frame-picks.ts';

export interface Glyph {
  char: string;
  /** Centre of the character's run of frames, in frames (may be fractional). */
  frame: number;
  /** The highest probability the character reached over its frames. */
  prob: number;
}

/**
 * Decodes one sequence of `frames` frames' picks starting at frame `offset` in `picks`: per frame the
 * most likely class, repeats collapsed, blanks (class 0) dropped. `held`: the picks among the allowed
 * classes (the Latin ones), their probabilities renormalised over them (the probability of the character
 * given that it is one of those).
 */
export function decodeCtc(
  picks: Float32Array,
  offset: number,
  frames: number,
  characters: readonly string[],
  held = false,
): Glyph[] {
  const glyphs: Glyph[] = [];
  let previous = 0;
  let start = 0;
  for (let t = 0; t <= frames; t++) {
    let best = 0;
    let bestProb = 0;
    if (t < frames) {
      const p = (offset + t) * PICKS;
      best = picks[p + (held ? 2 : 0)]!;
      bestProb = picks[p + (held ? 3 : 1)]!;
      if (held && picks[p + 4]! > 0) bestProb /= picks[p + 4]!;
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
/** Latin letters, digits, punctuation and symbols, but not the full-width forms and CJK punctuation. */
const LATIN = /^(?![\u3000-\u303f\uff00-\uffef])[\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]$/u;

/** True for a character of a CJK script (Han, kana, Hangul). */
export function isCjk(char: string): boolean {
  return CJK.test(char);
}

/** True for a character a Latin page may hold ("}", "é", "€"; not "了", "（" or "θ"). */
export function isLatin(char: string): boolean {
  return LATIN.test(char);
}

/** The classes a Latin page may hold: the blank and the Latin characters. */
export function latinClasses(characters: readonly string[]): Uint8Array {
  return Uint8Array.from(characters, (c, i) => (i === 0 || isLatin(c) ? 1 : 0));
}
