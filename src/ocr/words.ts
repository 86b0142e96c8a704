// A read line becomes text with words: characters are assigned to the ink runs they were read
// over, and a gap between runs wide enough for a space becomes one even where the recognizer,
// trained mostly on Chinese, wrote none.
import type { ReadLine } from './recognize.ts';

export interface InkGroup {
  /** Inked columns [x0, x1) in crop pixels. */
  x0: number;
  x1: number;
  /** The characters read over this run of ink, spaces excluded. */
  text: string;
  /** Their centres in crop pixels. */
  centers: number[];
}

export interface WordSpan {
  text: string;
  /** Extent in crop pixels. */
  x0: number;
  x1: number;
  confidence: number;
}

export interface ComposedLine {
  text: string;
  words: WordSpan[];
  /** Ink runs that carry characters, left to right: what the code layout measures. */
  groups: InkGroup[];
  confidence: number;
}

/** A gap of at least this fraction of the text height separates words in proportional fonts… */
const WORD_GAP = 0.3;
/** …or this share of the gaps where the recognizer itself wrote spaces in the line… */
const RECOGNIZED_GAP = 0.6;
/** …and, in monospaced fonts, whose narrow letters leave wide gaps, this many times the usual gap. */
const SPACE_OVER_GAP = 2.5;
/** A character read with less probability than this is doubtful. */
const DOUBTFUL = 0.8;
/** Confident characters assumed before counting the doubtful share. */
const PRIOR = 4;
/** Leaving a run of ink without a character costs as much as moving one this many text heights. */
const EMPTY_RUN = 0.25;

export function composeLine(line: ReadLine): ComposedLine {
  const runs = line.ink.runs;
  const glyphs: Array<{ char: string; x: number; prob: number; spaceBefore: boolean }> = [];
  let pendingSpace = false;
  for (const g of line.glyphs) {
    if (g.char === ' ') {
      pendingSpace = glyphs.length > 0;
      continue;
    }
    glyphs.push({ char: g.char, x: g.x, prob: g.prob, spaceBefore: pendingSpace });
    pendingSpace = false;
  }
  const assigned = assignRuns(
    glyphs.map((g) => g.x),
    runs,
    EMPTY_RUN * line.ink.textHeight,
  );
  const tokens = glyphs.map((g, i) => ({ ...g, run: assigned[i]! }));
  // The gap of ink before each token that starts a new run.
  const gapBefore = (i: number): number | undefined => {
    const [a, b] = [tokens[i - 1], tokens[i]];
    return a && b && a.run !== b.run ? runs[b.run]![0] - runs[b.run - 1]![1] : undefined;
  };
  const gaps = runs.slice(1).map((r, i) => r[0] - runs[i]![1]);
  // Where the recognizer wrote spaces, its word gaps set the scale; elsewhere the text height does.
  const spaced = tokens.flatMap((t, i) => (t.spaceBefore ? [gapBefore(i)] : [])).filter((g) => g !== undefined);
  const wordScale = spaced.length > 0 ? RECOGNIZED_GAP * median(spaced)! : WORD_GAP * line.ink.textHeight;
  const wordGap = Math.max(2, wordScale, SPACE_OVER_GAP * (median(gaps) ?? 0));
  for (let i = 1; i < tokens.length; i++) {
    if ((gapBefore(i) ?? 0) >= wordGap) tokens[i]!.spaceBefore = true;
  }

  const groups: InkGroup[] = [];
  for (const t of tokens) {
    const last = groups.at(-1);
    const [x0, x1] = runs[t.run] ?? [t.x, t.x];
    if (last && last.x0 === x0) {
      last.text += t.char;
      last.centers.push(t.x);
    } else {
      groups.push({ x0, x1, text: t.char, centers: [t.x] });
    }
  }

  const words: WordSpan[] = [];
  let probs: number[] = [];
  tokens.forEach((t, i) => {
    const [x0, x1] = runs[t.run] ?? [t.x, t.x];
    // A run shared with the neighbouring word (a space the recognizer saw inside one run of ink)
    // is split halfway between the two characters.
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const left = t.spaceBefore && prev?.run === t.run ? (prev.x + t.x) / 2 : x0;
    const right = next?.spaceBefore && next.run === t.run ? (t.x + next.x) / 2 : x1;
    const word = words.at(-1);
    if (word && !t.spaceBefore) {
      word.text += t.char;
      word.x1 = Math.max(word.x1, right);
    } else {
      if (word) word.confidence = confidence(probs);
      probs = [];
      words.push({ text: t.char, x0: left, x1: right, confidence: 0 });
    }
    probs.push(t.prob);
  });
  const lastWord = words.at(-1);
  if (lastWord) lastWord.confidence = confidence(probs);

  return {
    text: words.map((w) => w.text).join(' '),
    words,
    groups,
    confidence: confidence(tokens.map((t) => t.prob)),
  };
}

/**
 * Assigns characters (by their x) to runs of ink, in order, at the least total distance plus a
 * cost for each run left empty: the recognizer's positions are coarse enough that the nearest
 * run is often the neighbour of the right one, which would leave a glyph without its character.
 */
function assignRuns(
  xs: readonly number[],
  runs: ReadonlyArray<readonly [number, number]>,
  emptyCost: number,
): number[] {
  const n = xs.length;
  const m = runs.length;
  if (n === 0) return [];
  if (m === 0) return xs.map(() => 0);
  const dist = (i: number, j: number): number => {
    const [x0, x1] = runs[j]!;
    const x = xs[i]!;
    return x < x0 ? x0 - x : x > x1 ? x - x1 : 0;
  };
  // cost[i][j]: best cost with character i on run j and every run before j either used or paid for.
  const cost = Array.from({ length: n }, () => new Float64Array(m).fill(Infinity));
  const from = Array.from({ length: n }, () => new Int32Array(m).fill(-1));
  for (let j = 0; j < m; j++) cost[0]![j] = dist(0, j) + j * emptyCost;
  for (let i = 1; i < n; i++) {
    // best over k ≤ j of cost[i-1][k] + (runs strictly between k and j left empty)
    let bestK = -1;
    let bestValue = Infinity;
    for (let j = 0; j < m; j++) {
      if (bestK >= 0) bestValue += emptyCost;
      if (j > 0 && cost[i - 1]![j - 1]! + 0 < bestValue) {
        bestValue = cost[i - 1]![j - 1]!;
        bestK = j - 1;
      }
      const stay = cost[i - 1]![j]!;
      const [value, k] = stay <= bestValue ? [stay, j] : [bestValue, bestK];
      if (k >= 0) {
        cost[i]![j] = value + dist(i, j);
        from[i]![j] = k;
      }
    }
  }
  let j = 0;
  for (let k = 1; k < m; k++)
    if (cost[n - 1]![k]! + (m - 1 - k) * emptyCost < cost[n - 1]![j]! + (m - 1 - j) * emptyCost) j = k;
  const out = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = j;
    j = from[i]![j]!;
  }
  return out;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * The mean character probability, scaled down by the share of doubtful characters. A script the
 * recognizer cannot read (Armenian, read as look-alike Latin letters) averages ~0.9 per character
 * but leaves a quarter of them doubtful; clean lines leave almost none. The share counts a few
 * confident characters in advance, so that one doubtful "}" is not a doubtful line.
 */
function confidence(probs: number[]): number {
  if (probs.length === 0) return 0;
  const mean = probs.reduce((a, b) => a + b, 0) / probs.length;
  return mean * (1 - probs.filter((p) => p < DOUBTFUL).length / (probs.length + PRIOR));
}
