// Scores of an OCR engine's lines against a workbench screenshot's DOM truth (harness/vscode/screen-truth.ts).
// Every engine is reduced to lines with a box, so the three are judged alike:
// - capped CER: both sides laid out pane by pane (each line goes to the truth region under its
//   centre; within a pane, rows top to bottom, left to right; whitespace collapsed), edit distances
//   summed over panes, then min(1, edits / truth characters). Text joined across panes lands in one
//   pane and is missing from the other, so it costs twice.
// - code lines: each editor row of the truth takes the engine's lines that share its row (vertical
//   overlap of half the lower height) and overlap its code column horizontally, in x order; its
//   text is compared exactly (indentation and inner spaces kept), so a gutter number inside the
//   text is an error. Edits per row are capped at the row's length, pooled over rows.
// - indentation exact: rows whose engine text starts with as many spaces as the truth, then the same
//   character (a gutter number in front of the code is not an indentation of zero).
// - line numbers: rows with a gutter number whose engine lines give it, as their `lineNumber`
//   field or, for lines without that field that cover the gutter, as the text's first token; the
//   pieces of a row that a floating box hides in the middle count as one row.
// - word F1: bag of words (multisets), gutter numbers included on both sides.
import { distance } from 'fastest-levenshtein';
import type { Box, TruthLine, TruthRegion } from '../harness/vscode/screen-truth.ts';

/** An engine's line: text with its leading spaces, its box in image pixels, and the gutter number if it reports one. */
export interface ReadLine {
  text: string;
  box: Box;
  lineNumber?: number;
}

export interface EditorImageScore {
  cappedCer: number;
  /** Pooled over the image's code rows. */
  code: { edits: number; chars: number; indentExact: number; rows: number };
  lineNumbers: { correct: number; rows: number };
  words: { matched: number; read: number; truth: number };
}

const centre = (b: Box): [number, number] => [b[0] + b[2] / 2, b[1] + b[3] / 2];
const inside = (b: Box, [x, y]: [number, number]): boolean =>
  b[0] <= x && x <= b[0] + b[2] && b[1] <= y && y <= b[1] + b[3];
const overlap = (a0: number, a1: number, b0: number, b1: number): number =>
  Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
const sameRow = (a: Box, b: Box): boolean => overlap(a[1], a[1] + a[3], b[1], b[1] + b[3]) >= Math.min(a[3], b[3]) / 2;
const overlapsX = (a: Box, b: Box): boolean => overlap(a[0], a[0] + a[2], b[0], b[0] + b[2]) > 0;

/** The text as a reader sees it: the gutter number first, then the line. */
const withNumber = (l: ReadLine): string => (l.lineNumber === undefined ? l.text : `${l.lineNumber} ${l.text}`);

/** Lines of one pane in reading order: rows (by overlapping centres) top to bottom, each left to right. */
function paneText(lines: ReadonlyArray<{ text: string; box: Box }>): string {
  const sorted = [...lines].sort((a, b) => centre(a.box)[1] - centre(b.box)[1]);
  const rows: Array<Array<{ text: string; box: Box }>> = [];
  for (const line of sorted) {
    const row = rows.at(-1);
    if (row && Math.abs(centre(row[0]!.box)[1] - centre(line.box)[1]) < row[0]!.box[3] / 2) row.push(line);
    else rows.push([line]);
  }
  return rows
    .map((r) =>
      r
        .sort((a, b) => a.box[0] - b.box[0])
        .map((l) => l.text)
        .join(' '),
    )
    .join('\n');
}

const collapse = (s: string): string => s.normalize('NFKC').replace(/\s+/g, ' ').trim();

/** The truth region under a box's centre (the smallest, so a dialog wins over the editor below it). */
function regionAt(regions: readonly TruthRegion[], box: Box): string {
  const c = centre(box);
  const under = regions.filter((r) => inside(r.box, c)).sort((a, b) => a.box[2] * a.box[3] - b.box[2] * b.box[3]);
  return under[0]?.name ?? 'other';
}

export function cappedCer(
  truth: readonly TruthLine[],
  regions: readonly TruthRegion[],
  read: readonly ReadLine[],
): number {
  const known = new Set(regions.map((r) => r.name));
  let edits = 0;
  let chars = 0;
  for (const name of [...known, 'other']) {
    const ref = collapse(paneText(truth.filter((l) => (known.has(l.region) ? l.region : 'other') === name)));
    const hyp = collapse(
      paneText(read.filter((l) => regionAt(regions, l.box) === name).map((l) => ({ text: withNumber(l), box: l.box }))),
    );
    edits += distance(hyp, ref);
    chars += ref.length;
  }
  return chars === 0 ? (edits === 0 ? 0 : 1) : Math.min(1, edits / chars);
}

/** The engine's text for a truth row: its lines on that row over the given box, left to right. */
function rowLines(read: readonly ReadLine[], box: Box): ReadLine[] {
  return read.filter((l) => sameRow(l.box, box) && overlapsX(l.box, box)).sort((a, b) => a.box[0] - b.box[0]);
}

const indentOf = (s: string): number => s.length - s.trimStart().length;

export function codeScore(truth: readonly TruthLine[], read: readonly ReadLine[]): EditorImageScore['code'] {
  const score = { edits: 0, chars: 0, indentExact: 0, rows: 0 };
  for (const row of truth.filter((l) => l.kind === 'code')) {
    const ref = row.text.normalize('NFKC');
    const hyp = rowLines(read, row.box)
      .map((l) => l.text)
      .join(' ')
      .normalize('NFKC')
      .replace(/\s+$/, '');
    score.rows++;
    score.chars += ref.length;
    score.edits += Math.min(ref.length, distance(hyp, ref));
    if (hyp.trim() && indentOf(hyp) === indentOf(ref) && hyp.trimStart()[0] === ref.trimStart()[0]) score.indentExact++;
  }
  return score;
}

export function lineNumberScore(
  truth: readonly TruthLine[],
  read: readonly ReadLine[],
): EditorImageScore['lineNumbers'] {
  const gutters = truth.filter((l) => l.kind === 'lineNumber');
  // A row that a floating box cuts in two is one line of the file: its number counts once, given on either piece.
  const found = new Map<string, boolean>();
  for (const row of truth.filter((l) => l.kind === 'code' && l.lineNumber !== undefined)) {
    const gutter = gutters.find(
      (g) => g.region === row.region && g.lineNumber === row.lineNumber && sameRow(g.box, row.box),
    );
    const given = rowLines(read, row.box).some((l) => l.lineNumber === row.lineNumber);
    const inText =
      gutter !== undefined &&
      rowLines(read, gutter.box).some(
        (l) => l.lineNumber === undefined && l.text.trim().split(/\s+/)[0] === String(row.lineNumber),
      );
    const key = `${row.region} ${row.lineNumber}`;
    found.set(key, (found.get(key) ?? false) || given || inText);
  }
  return { correct: [...found.values()].filter(Boolean).length, rows: found.size };
}

export function wordScore(truth: readonly TruthLine[], read: readonly ReadLine[]): EditorImageScore['words'] {
  const words = (texts: string[]): string[] => texts.flatMap((t) => t.normalize('NFKC').split(/\s+/).filter(Boolean));
  const ref = words(truth.map((l) => l.text));
  const hyp = words(read.map(withNumber));
  const counts = new Map<string, number>();
  for (const w of ref) counts.set(w, (counts.get(w) ?? 0) + 1);
  let matched = 0;
  for (const w of hyp) {
    const left = counts.get(w) ?? 0;
    if (left > 0) {
      matched++;
      counts.set(w, left - 1);
    }
  }
  return { matched, read: hyp.length, truth: ref.length };
}

export function f1({ matched, read, truth }: EditorImageScore['words']): number {
  return matched === 0 ? 0 : (2 * matched) / (read + truth);
}

export function scoreImage(
  truth: readonly TruthLine[],
  regions: readonly TruthRegion[],
  read: readonly ReadLine[],
): EditorImageScore {
  return {
    cappedCer: cappedCer(truth, regions, read),
    code: codeScore(truth, read),
    lineNumbers: lineNumberScore(truth, read),
    words: wordScore(truth, read),
  };
}
