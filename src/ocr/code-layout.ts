// Monospaced text (editors, terminals) is rebuilt on its character grid: every run of ink is put
// at the column its position gives, so indentation and the spaces inside a line come back even
// where the recognizer dropped them and the detector cut the line in two.

/** A run of ink with the characters read over it, in image pixels along the row. */
export interface GridRun {
  x0: number;
  x1: number;
  text: string;
  /** Centres of its characters as the recognizer placed them (coarse: one frame is ~⅓ character). */
  centers: number[];
}

export interface GridRow {
  runs: GridRun[];
  /** Vertical centre and height of the row's boxes, image pixels. */
  y: number;
  height: number;
}

export interface CharGrid {
  /** Character cell width in image pixels. */
  cellWidth: number;
  /** Mean distance of run positions from the grid, in cells: near 0 for monospaced text. */
  misfit: number;
  /** How many run-to-run steps the grid was measured on. */
  steps: number;
}

/** The share of run-to-run steps whose fit to the grid is measured. */
const FIT_SHARE = 0.8;
/** At most this misfit (in cells) counts as monospaced… */
const MONO_MISFIT = 0.075;
/** …or this much, measured on fewer steps than MANY_STEPS (short text sits on a grid by chance). */
const MONO_MISFIT_FEW = 0.05;
const MANY_STEPS = 30;
/** Fewer steps than this say too little to call a block monospaced. */
const MIN_STEPS = 8;
/** More blank lines than this between two code lines are kept as this many. */
const MAX_BLANK_LINES = 2;

/**
 * Measures the character grid of some rows: the cell width that best explains the distances
 * between runs of ink (each run's first cell centre is its ink centre less half its extra
 * characters), and how well the runs sit on it.
 */
export function measureGrid(rows: readonly GridRow[]): CharGrid | undefined {
  const steps: Array<{ a: GridRun; b: GridRun }> = [];
  const pitches: number[] = [];
  for (const row of rows) {
    for (let i = 0; i < row.runs.length; i++) {
      const run = row.runs[i]!;
      const next = row.runs[i + 1];
      if (next) steps.push({ a: run, b: next });
      for (let k = 1; k < run.centers.length; k++) pitches.push(run.centers[k]! - run.centers[k - 1]!);
      if (next && run.text.length === 1 && next.text.length === 1) pitches.push(center(next) - center(run));
    }
  }
  const guess = median(pitches.filter((p) => p > 0));
  if (!guess || steps.length === 0) return undefined;
  // The recognizer's positions are coarse, so the guess can be a few per cent off; least squares
  // from a spread of starting widths, keeping the best fit, finds the true cell.
  let best: CharGrid | undefined;
  for (let f = 0.85; f <= 1.15; f += 0.01) {
    const grid = fitGrid(steps, guess * f);
    if (!best || grid.misfit < best.misfit) best = grid;
  }
  return best;
}

function fitGrid(steps: ReadonlyArray<{ a: GridRun; b: GridRun }>, start: number): CharGrid {
  let cell = start;
  let offsets: number[] = [];
  for (let round = 0; round < 3; round++) {
    let num = 0;
    let den = 0;
    offsets = [];
    for (const { a, b } of steps) {
      const d = firstCell(b, cell) - firstCell(a, cell);
      const m = Math.max(a.text.length, Math.round(d / cell));
      num += d * m;
      den += m * m;
      offsets.push(Math.abs(d / cell - m));
    }
    cell = num / den;
  }
  // The best-fitting share of the steps: a misread character throws one step off the grid in
  // monospaced text, while proportional text is off the grid everywhere.
  const kept = offsets.sort((p, q) => p - q).slice(0, Math.max(1, Math.ceil(offsets.length * FIT_SHARE)));
  return { cellWidth: cell, misfit: kept.reduce((a, b) => a + b, 0) / kept.length, steps: steps.length };
}

/** Monospaced, proportional, or too little text to tell. */
export function classifyGrid(grid: CharGrid | undefined): 'mono' | 'proportional' | 'unknown' {
  if (grid === undefined || grid.steps < MIN_STEPS) return 'unknown';
  return grid.misfit <= (grid.steps >= MANY_STEPS ? MONO_MISFIT : MONO_MISFIT_FEW) ? 'mono' : 'proportional';
}

export interface CodeLine {
  /** Index of the row this line came from; blank lines have none. */
  row?: number;
  text: string;
  indent: number;
  /** Vertical centre, image pixels (where a blank line would hold its text). */
  y: number;
}

/**
 * Lays rows out as text on the grid: the leftmost run of all rows is column 0, or, given the x
 * where column 0 begins (`codeLeft`, known beside a line-number gutter), the column it lies in;
 * blank lines are restored from the row pitch.
 */
export function layoutCode(rows: readonly GridRow[], cellWidth: number, codeLeft?: number): CodeLine[] {
  const anchors = rows.flatMap((r) => r.runs.map((run) => firstCell(run, cellWidth)));
  if (anchors.length === 0) return [];
  const origin = Math.min(...anchors);
  // The grid's phase: runs sit at origin + (n + phase)·cell, the phase being their common offset.
  const phase = circularMean(anchors.map((a) => (a - origin) / cellWidth));
  const column = (run: GridRun): number => Math.round((firstCell(run, cellWidth) - origin) / cellWidth - phase);
  const placed = rows.map((row) => row.runs.map((run) => ({ run, col: column(run) })).sort((p, q) => p.col - q.col));
  const leftmost = Math.min(...placed.flatMap((r) => r.map((p) => p.col)));
  // Cells between column 0 and the leftmost text: the centre of its first cell is at origin + (leftmost + phase)·cell.
  const shift =
    codeLeft === undefined
      ? 0
      : Math.max(0, Math.round((origin + (leftmost + phase - 0.5) * cellWidth - codeLeft) / cellWidth));
  const minCol = leftmost - shift;
  const pitch = rowPitch(rows);

  const lines: CodeLine[] = [];
  placed.forEach((runs, i) => {
    if (i > 0 && pitch) {
      const blank = Math.round((rows[i]!.y - rows[i - 1]!.y) / pitch) - 1;
      for (let k = 1; k <= Math.min(MAX_BLANK_LINES, blank); k++)
        lines.push({ text: '', indent: 0, y: rows[i - 1]!.y + k * pitch });
    }
    let text = '';
    let end = runs[0]!.col;
    for (const { run, col } of runs) {
      if (text) text += ' '.repeat(Math.max(col > end ? col - end : 0, 0));
      text += run.text;
      end = Math.max(col, end) + run.text.length;
    }
    lines.push({ row: i, text, indent: runs[0]!.col - minCol, y: rows[i]!.y });
  });
  return lines;
}

function firstCell(run: GridRun, cellWidth: number): number {
  return center(run) - ((run.text.length - 1) * cellWidth) / 2;
}

function center(run: GridRun): number {
  return (run.x0 + run.x1) / 2;
}

/** The usual distance between consecutive rows, from rows closer than twice their height. */
export function rowPitch(rows: readonly GridRow[]): number | undefined {
  const steps: number[] = [];
  for (let i = 1; i < rows.length; i++) {
    const d = rows[i]!.y - rows[i - 1]!.y;
    if (d > 0 && d < 2 * Math.min(rows[i]!.height, rows[i - 1]!.height)) steps.push(d);
  }
  return median(steps);
}

function circularMean(values: number[]): number {
  let s = 0;
  let c = 0;
  for (const v of values) {
    s += Math.sin(2 * Math.PI * v);
    c += Math.cos(2 * Math.PI * v);
  }
  return Math.atan2(s, c) / (2 * Math.PI);
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
