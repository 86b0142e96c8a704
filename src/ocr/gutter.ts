// An editor's line-number gutter: a right-aligned column of increasing integers at the left of the
// code. Its numbers are reported as each code line's number, never as text, so that copied code
// carries none and indentation is measured from the code column.
import { median } from './code-layout.ts';
import type { Bounds } from './geometry.ts';

/** A read line as the gutter sees it: its text and box. */
export interface GutterCandidate {
  text: string;
  bounds: Bounds;
}

/** Right edges within this many text heights of each other are one right-aligned column. */
const ALIGNED = 0.35;
/** A gutter has at least this many numbers… */
const MIN_NUMBERS = 3;
/** …at least this share of them one more than the number above (folded code skips some). */
const CONSECUTIVE = 0.5;
/** A label in the column at most this long, mostly digits, is a number read with a wrong character or two. */
const MAX_DIGITS = 6;

/**
 * The lines that are line numbers, each with its number: the lines of each right-aligned column
 * of short, mostly numeric labels whose values increase down the column. A number read wrongly
 * ("7O", or 18 between 77 and 79) is taken from its neighbours when they agree.
 */
export function lineNumbers(lines: readonly GutterCandidate[]): Map<number, number> {
  const labels = lines.flatMap((line, index) => {
    const digits = line.text.replace(/\D/g, '').length;
    return line.text.length <= MAX_DIGITS && !/\s/.test(line.text) && digits * 2 > line.text.length
      ? [{ index, ...line }]
      : [];
  });
  const found = new Map<number, number>();
  for (const column of alignedColumns(labels)) {
    const values = column.map((l) => (/^\d+$/.test(l.text) ? Number(l.text) : NaN));
    const ys = column.map((l) => (l.bounds.y0 + l.bounds.y1) / 2);
    const pitch = median(ys.slice(1).map((y, i) => y - ys[i]!));
    if (pitch === undefined || pitch <= 0) continue;
    const steps = (a: number, b: number): number => Math.round((ys[b]! - ys[a]!) / pitch);
    for (let i = 0; i < values.length; i++) {
      const fromAbove = i > 0 ? values[i - 1]! + steps(i - 1, i) : NaN;
      const fromBelow = i + 1 < values.length ? values[i + 1]! - steps(i, i + 1) : NaN;
      if (fromAbove === fromBelow && values[i] !== fromAbove) values[i] = fromAbove;
      else if (Number.isNaN(values[i]!)) values[i] = Number.isNaN(fromAbove) ? fromBelow : fromAbove;
    }
    // Runs of increasing numbers: editors stacked one above the other share a column.
    let start = 0;
    for (let i = 1; i <= values.length; i++) {
      if (i < values.length && values[i]! > values[i - 1]!) continue;
      const run = values.slice(start, i);
      const consecutive = run.slice(1).filter((v, k) => v === run[k]! + 1).length;
      if (run.length >= MIN_NUMBERS && run.every(Number.isInteger) && consecutive >= CONSECUTIVE * (run.length - 1)) {
        run.forEach((v, k) => found.set(column[start + k]!.index, v));
      }
      start = i;
    }
  }
  return found;
}

/** Groups labels whose right edges line up, each group top to bottom. */
function alignedColumns<T extends GutterCandidate>(labels: readonly T[]): T[][] {
  const sorted = [...labels].sort((a, b) => a.bounds.x1 - b.bounds.x1);
  const columns: T[][] = [];
  for (const label of sorted) {
    const column = columns.at(-1);
    const height = label.bounds.y1 - label.bounds.y0;
    if (column && label.bounds.x1 - column[0]!.bounds.x1 <= ALIGNED * height) column.push(label);
    else columns.push([label]);
  }
  return columns.map((c) => c.sort((a, b) => a.bounds.y0 - b.bounds.y0));
}

/** A gutter's number at the height of its row. */
export interface GutterRow {
  y: number;
  value: number;
}

/**
 * The number beside a code row at height y, `pitch` pixels per row: the gutter's own, or, where
 * the detector missed it (a lone "1"), the one the numbers above and below agree on; at the ends of
 * the gutter, for one row beyond it. Rows between two that disagree (a wrapped line) get none.
 */
export function numberBeside(gutter: readonly GutterRow[], y: number, pitch: number): number | undefined {
  const own = gutter.find((g) => Math.abs(g.y - y) < pitch / 2);
  if (own) return own.value;
  const above = gutter.filter((g) => g.y < y).at(-1);
  const below = gutter.find((g) => g.y > y);
  const fromAbove = above && above.value + Math.round((y - above.y) / pitch);
  const fromBelow = below && below.value - Math.round((below.y - y) / pitch);
  if (fromAbove !== undefined && fromBelow !== undefined) return fromAbove === fromBelow ? fromAbove : undefined;
  const beyond =
    above && y - above.y < 1.5 * pitch ? fromAbove : below && below.y - y < 1.5 * pitch ? fromBelow : undefined;
  return beyond !== undefined && beyond >= 1 ? beyond : undefined;
}
