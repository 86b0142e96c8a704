// Reading order by recursive cuts along empty columns and rows: columns are read one after the
// other, then top to bottom, left to right. A column cut is taken only where it separates flowing
// text or unrelated regions (a sidebar); rows that line up across a gap (tables, `ls -l`, aligned
// code comments) are read row by row.
import { type Bounds, overlap1d } from './geometry.ts';

/** Line indices: blocks in reading order, each a list of rows top to bottom, each row left to right. */
export type Blocks = number[][][];

/** A vertical gap narrower than this many line heights is no column gutter. */
const GUTTER = 1;
/** Two parts are columns only where their heights overlap by this share of the shorter. */
const SIDE_BY_SIDE = 0.5;
/** Wide text on both sides of a gutter this many line heights wide is read as columns, even when it is only two lines deep. */
const WIDE_GUTTER = 6;
/** Lines whose vertical centres differ by less than this many line heights share a row. */
const SAME_ROW = 0.5;
/** Rows of flowing text are at least this many line heights wide… */
const FLOW_WIDTH = 8;
/** …and fill at least this share of their column (ragged right allowed). */
const FLOW_FILL = 0.75;
/** Consecutive parts closer than this many line heights belong to one block. */
const BLOCK_GAP = 0.6;

export function readingOrder(bounds: readonly Bounds[]): Blocks {
  const leaves = cut(
    bounds.map((_, i) => i),
    bounds,
  );
  const blocks: Blocks = [];
  let last: { ids: number[]; box: Bounds } | undefined;
  for (const leaf of leaves) {
    const box = enclose(leaf.flat(), bounds);
    const height = Math.min(medianHeight(leaf.flat(), bounds), last ? medianHeight(last.ids, bounds) : Infinity);
    if (
      last &&
      box.y0 >= (last.box.y0 + last.box.y1) / 2 &&
      box.y0 - last.box.y1 <= BLOCK_GAP * height &&
      overlap1d(box.x0, box.x1, last.box.x0, last.box.x1) > 0
    ) {
      blocks.at(-1)!.push(...leaf);
      last = { ids: [...last.ids, ...leaf.flat()], box: enclose([...last.ids, ...leaf.flat()], bounds) };
    } else {
      blocks.push([...leaf]);
      last = { ids: leaf.flat(), box };
    }
  }
  return blocks;
}

/** Splits ids into ordered leaves, each a list of rows. */
function cut(ids: number[], b: readonly Bounds[]): number[][][] {
  if (ids.length <= 1) return ids.length ? [[ids]] : [];
  const columns = columnSplit(ids, b);
  if (columns) return columns.flatMap((c) => cut(c, b));
  const strips = gaps(ids, b, 'y', 0);
  if (strips.length > 1)
    return mergeStrips(strips, b).flatMap((s) => (s.length > 1 ? cut(s.flat(), b) : cut(s[0]!, b)));
  return [rows(ids, b)];
}

/**
 * Consecutive strips that continue one column structure (a gutter at the same place, with a
 * paragraph of several rows on one side) are cut again as one, so that paragraph gaps falling at
 * the same height in two columns do not interleave the columns.
 */
function mergeStrips(strips: number[][], b: readonly Bounds[]): number[][][] {
  const groups: number[][][] = [];
  for (const strip of strips) {
    const group = groups.at(-1);
    if (
      group &&
      columnSplit([...group.flat(), ...strip], b) &&
      (isParagraph(strip, b) || group.some((s) => isParagraph(s, b)))
    ) {
      group.push(strip);
    } else {
      groups.push([strip]);
    }
  }
  return groups;
}

/** The widest empty column between lines, if it is a gutter worth reading across. */
function columnSplit(ids: number[], b: readonly Bounds[]): [number[], number[]] | undefined {
  const parts = gaps(ids, b, 'x', GUTTER * medianHeight(ids, b));
  if (parts.length < 2) return undefined;
  // Take the widest gutter; the sides are cut further by the recursion.
  let best = 1;
  let widest = -Infinity;
  for (let i = 1; i < parts.length; i++) {
    const gap = Math.min(...parts[i]!.map((k) => b[k]!.x0)) - Math.max(...parts[i - 1]!.map((k) => b[k]!.x1));
    if (gap > widest) {
      widest = gap;
      best = i;
    }
  }
  const left = parts.slice(0, best).flat();
  const right = parts.slice(best).flat();
  // Columns stand side by side; parts that follow one another down the page (an indented line
  // after an outdented one) are rows.
  const [l, r] = [enclose(left, b), enclose(right, b)];
  if (overlap1d(l.y0, l.y1, r.y0, r.y1) < SIDE_BY_SIDE * Math.min(l.y1 - l.y0, r.y1 - r.y0)) return undefined;
  const wideApart = widest >= WIDE_GUTTER * medianHeight(ids, b) && wide(left, b) && wide(right, b);
  return !rowsAlign(left, right, b) || flows(left, b) || flows(right, b) || wideApart ? [left, right] : undefined;
}

/** True when most lines of the smaller side have a partner at the same height on the other side. */
function rowsAlign(left: number[], right: number[], b: readonly Bounds[]): boolean {
  const [small, large] = left.length <= right.length ? [left, right] : [right, left];
  const centre = (k: number): number => (b[k]!.y0 + b[k]!.y1) / 2;
  const paired = small.filter((i) =>
    large.some((j) => Math.abs(centre(i) - centre(j)) < 0.3 * Math.min(b[i]!.y1 - b[i]!.y0, b[j]!.y1 - b[j]!.y0)),
  );
  return paired.length >= 0.6 * small.length;
}

/**
 * Flowing text: a paragraph of at least three close, wide rows (several words each), most of which
 * run to near the right edge of their side, as wrapped text does; table cells are short.
 */
function flows(ids: number[], b: readonly Bounds[]): boolean {
  const box = enclose(ids, b);
  const rowBoxes = rows(ids, b).map((row) => enclose(row, b));
  const isFlowing = (p: Bounds[]): boolean =>
    p.length >= 3 &&
    p.filter((r) => r.x1 - r.x0 >= FLOW_WIDTH * (r.y1 - r.y0) && r.x1 - r.x0 >= FLOW_FILL * (box.x1 - box.x0)).length >=
      0.6 * p.length;
  let paragraph: Bounds[] = [];
  for (const row of rowBoxes) {
    const last = paragraph.at(-1);
    if (last && row.y0 - last.y1 > BLOCK_GAP * Math.min(row.y1 - row.y0, last.y1 - last.y0)) {
      if (isFlowing(paragraph)) return true;
      paragraph = [];
    }
    paragraph.push(row);
  }
  return isFlowing(paragraph);
}

/** Most rows as wide as rows of flowing text. */
function wide(ids: number[], b: readonly Bounds[]): boolean {
  const rowBoxes = rows(ids, b).map((row) => enclose(row, b));
  return rowBoxes.filter((r) => r.x1 - r.x0 >= FLOW_WIDTH * (r.y1 - r.y0)).length * 2 > rowBoxes.length;
}

function isParagraph(ids: number[], b: readonly Bounds[]): boolean {
  const parts = gaps(ids, b, 'x', GUTTER * medianHeight(ids, b));
  return parts.some((p) => rows(p, b).length >= 2);
}

/** Groups ids separated along an axis by empty gaps wider than `minGap`, in order along it. */
function gaps(ids: number[], b: readonly Bounds[], axis: 'x' | 'y', minGap: number): number[][] {
  const lo = (k: number): number => (axis === 'x' ? b[k]!.x0 : b[k]!.y0);
  const hi = (k: number): number => (axis === 'x' ? b[k]!.x1 : b[k]!.y1);
  const sorted = [...ids].sort((p, q) => lo(p) - lo(q));
  const groups: number[][] = [];
  let reach = -Infinity;
  for (const k of sorted) {
    if (groups.length === 0 || lo(k) - reach > minGap) groups.push([k]);
    else groups.at(-1)!.push(k);
    reach = Math.max(reach, hi(k));
  }
  return groups;
}

/** Lines grouped into rows by their vertical centres, rows top to bottom, each left to right. */
export function rows(ids: number[], b: readonly Bounds[]): number[][] {
  const centre = (k: number): number => (b[k]!.y0 + b[k]!.y1) / 2;
  const result: Array<{ ids: number[]; centre: number; height: number }> = [];
  for (const k of [...ids].sort((p, q) => centre(p) - centre(q))) {
    const row = result.at(-1);
    const height = b[k]!.y1 - b[k]!.y0;
    if (row && Math.abs(centre(k) - row.centre) < SAME_ROW * Math.min(height, row.height)) {
      row.ids.push(k);
      row.centre = row.ids.reduce((s, i) => s + centre(i), 0) / row.ids.length;
    } else {
      result.push({ ids: [k], centre: centre(k), height });
    }
  }
  return result.map((r) => r.ids.sort((p, q) => b[p]!.x0 - b[q]!.x0));
}

function enclose(ids: number[], b: readonly Bounds[]): Bounds {
  return {
    x0: Math.min(...ids.map((k) => b[k]!.x0)),
    y0: Math.min(...ids.map((k) => b[k]!.y0)),
    x1: Math.max(...ids.map((k) => b[k]!.x1)),
    y1: Math.max(...ids.map((k) => b[k]!.y1)),
  };
}

function medianHeight(ids: number[], b: readonly Bounds[]): number {
  const h = ids.map((k) => b[k]!.y1 - b[k]!.y0).sort((p, q) => p - q);
  return h[Math.floor(h.length / 2)] ?? 0;
}
