// Layout before lines: a screen is cut into regions (title bar, side bars, editor groups, tab
// strips, panel, status bar) along the straight borders and background changes that run across
// the whole part being cut, so that text side by side in two panes is never joined. The cuts are
// taken recursively (ATTEMPTS), which also gives the regions' reading order: title bar; activity
// bar, side bar, editor groups left to right (each its tab strip, breadcrumbs, code), panel;
// status bar last.
import type { DecodedImage } from '../image/decode.ts';
import type { Bounds } from './geometry.ts';

/** Neighbouring pixels differing by at least this much in some channel are an edge: side bar and editor backgrounds differ by ~7. */
const EDGE = 4;
/** An edge along at least this share of a part is a border (a little is hidden by overlays: scrollbar sliders, focus outlines)… */
const SPAN = 0.9;
/** …or, last, this share of its width: a tab strip's lower edge stops at the active tab, which has the editor's background. */
const SPAN_BAND = 0.6;
/** Edges closer than this many pixels are one border (both sides of a 1-pixel line). */
const SAME_BORDER = 3;
/** A band thinner than this many text heights between two borders is a highlight (the current line's frame), not a region. */
const MIN_BAND = 1.3;
/** A box crosses a border when more than this share of its height lies on each side of it (boxes reach a little beyond their ink). */
const CROSSING = 0.25;
/** Nested deeper than a workbench is (window, side bar, group, tab strip, tab), cutting stops. */
const MAX_DEPTH = 8;
/** Only every this-many-th pixel along a border is compared: a border is long and straight. */
const STRIDE = 4;

type Axis = 'x' | 'y';

/**
 * Full borders across rows (title and status bars, panel), then across columns (side bars, editor
 * groups), then bands (tab strips), each with the share of a box's height that may lie across it.
 * A band's edge may not touch a box at all: the tops of a row of dense text line up as well.
 */
const ATTEMPTS: ReadonlyArray<[Axis, number, number]> = [['y', SPAN, CROSSING], ['x', SPAN, CROSSING], ['y', SPAN_BAND, 0]];

/**
 * The regions of `area` in reading order. `boxes` are the detected text boxes: no cut goes through
 * one, and they give the text height that tells a highlight frame from a band of its own. The
 * boxes in `lineNumbers` are a gutter's: a gutter is never cut off from its code.
 */
export function findRegions(image: DecodedImage, area: Bounds, boxes: readonly Bounds[], lineNumbers: ReadonlySet<number>): Bounds[] {
  const edges = edgeSums(image);
  const split = (part: Bounds, depth: number): Bounds[] => {
    if (depth < MAX_DEPTH) {
      for (const [axis, span, crossing] of ATTEMPTS) {
        let cuts = dropHighlights(borders(edges, part, axis, span).filter((c) => !crossed(c, axis, part, boxes, crossing)), axis, part, boxes);
        if (axis === 'x') cuts = keepGutters(cuts, part, boxes, lineNumbers);
        if (cuts.length > 0) return slice(part, axis, cuts).flatMap((p) => split(p, depth + 1));
      }
    }
    return [part];
  };
  return split(area, 0);
}

/**
 * Where neighbouring pixels differ, counted cumulatively: `down` along sampled rows for each
 * column boundary (vertical borders), `across` along sampled columns for each row boundary
 * (horizontal ones), so that a border's length in any part is one subtraction.
 */
interface EdgeSums {
  width: number;
  height: number;
  down: Uint16Array | Uint32Array;
  across: Uint16Array | Uint32Array;
}

function edgeSums(image: DecodedImage): EdgeSums {
  const { width, height, data } = image;
  const [rows, cols] = [Math.ceil(height / STRIDE), Math.ceil(width / STRIDE)];
  const counts = (n: number, max: number): Uint16Array | Uint32Array => (max < 0xffff ? new Uint16Array(n) : new Uint32Array(n));
  const edge = (p: number, q: number): number => {
    const [r, g, b] = [data[p]! - data[q]!, data[p + 1]! - data[q + 1]!, data[p + 2]! - data[q + 2]!];
    return r >= EDGE || r <= -EDGE || g >= EDGE || g <= -EDGE || b >= EDGE || b <= -EDGE ? 1 : 0;
  };
  const down = counts((rows + 1) * width, rows);
  for (let r = 0; r < rows; r++) {
    const p = r * STRIDE * width * 3;
    for (let x = 1; x < width; x++) down[(r + 1) * width + x] = down[r * width + x]! + edge(p + 3 * x, p + 3 * x - 3);
  }
  const across = counts(height * (cols + 1), cols);
  for (let y = 1; y < height; y++) {
    const p = y * width * 3;
    for (let c = 0; c < cols; c++) across[y * (cols + 1) + c + 1] = across[y * (cols + 1) + c]! + edge(p + 3 * c * STRIDE, p + 3 * (c * STRIDE - width));
  }
  return { width, height, down, across };
}

/**
 * Positions where an edge runs along at least `span` of the part: for axis 'x', vertical borders
 * (an x where pixels differ from their left neighbours on most rows); for 'y', horizontal ones.
 * Both edges of a thin line become one cut at its middle.
 */
function borders(edges: EdgeSums, part: Bounds, axis: Axis, span: number): number[] {
  const [lo, hi] = axis === 'x' ? [part.x0, part.x1] : [part.y0, part.y1];
  const [alongLo, alongHi] = axis === 'x' ? [part.y0, part.y1] : [part.x0, part.x1];
  // Sampled positions along the border: STRIDE·k for k in [k0, k1).
  const [k0, k1] = [Math.ceil(alongLo / STRIDE), Math.ceil(alongHi / STRIDE)];
  const cols = Math.ceil(edges.width / STRIDE) + 1;
  const count = (s: number): number =>
    axis === 'x' ? edges.down[k1 * edges.width + s]! - edges.down[k0 * edges.width + s]! : edges.across[s * cols + k1]! - edges.across[s * cols + k0]!;
  const needed = span * (k1 - k0);
  const cuts: number[] = [];
  let first: number | undefined;
  let last = -Infinity;
  const close = (): void => {
    if (first !== undefined) cuts.push(Math.round((first + last) / 2));
  };
  for (let s = lo + 1; s < hi; s++) {
    if (count(s) < needed) continue;
    if (s - last > SAME_BORDER) {
      close();
      first = s;
    }
    last = s;
  }
  close();
  // A cut at the very edge of the part leaves nothing on one side.
  return cuts.filter((c) => c - lo > SAME_BORDER && hi - c > SAME_BORDER);
}

function crossed(cut: number, axis: Axis, part: Bounds, boxes: readonly Bounds[], crossing: number): boolean {
  return boxes.some((b) => {
    const [lo, hi] = axis === 'x' ? [b.x0, b.x1] : [b.y0, b.y1];
    const margin = crossing * (b.y1 - b.y0);
    return inside(b, part) && cut - lo > margin && hi - cut > margin;
  });
}

/**
 * Drops pairs of cuts closer than MIN_BAND text heights around text: the frame VS Code draws
 * around the current line spans the editor like a border, but the line belongs to its code.
 */
function dropHighlights(cuts: number[], axis: Axis, part: Bounds, boxes: readonly Bounds[]): number[] {
  if (axis !== 'y') return cuts;
  const dropped = new Set<number>();
  for (let i = 1; i < cuts.length; i++) {
    const [a, b] = [cuts[i - 1]!, cuts[i]!];
    const heights = boxes.filter((box) => inside(box, part) && (box.y0 + box.y1) / 2 > a && (box.y0 + box.y1) / 2 < b).map((box) => box.y1 - box.y0);
    if (heights.length > 0 && b - a < MIN_BAND * Math.max(...heights)) dropped.add(a).add(b);
  }
  return cuts.filter((c) => !dropped.has(c));
}

/**
 * Drops the cuts right of a part that holds nothing but line numbers (and of the empty strips
 * after it): indent guides run down the code like borders, and the gutter belongs to its code.
 */
function keepGutters(cuts: number[], part: Bounds, boxes: readonly Bounds[], lineNumbers: ReadonlySet<number>): number[] {
  const kept: number[] = [];
  let gutterOnly = false;
  slice(part, 'x', cuts).forEach((piece, i) => {
    const ids = boxes.flatMap((b, k) => (inside(b, piece) ? [k] : []));
    gutterOnly = ids.length === 0 ? gutterOnly : ids.every((k) => lineNumbers.has(k));
    if (i < cuts.length && !gutterOnly) kept.push(cuts[i]!);
  });
  return kept;
}

/** Whether a box belongs to a part: its centre lies in it. */
export function inside(box: Bounds, part: Bounds): boolean {
  const [cx, cy] = [(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2];
  return cx >= part.x0 && cx < part.x1 && cy >= part.y0 && cy < part.y1;
}

function slice(part: Bounds, axis: Axis, cuts: number[]): Bounds[] {
  const edges = [axis === 'x' ? part.x0 : part.y0, ...cuts, axis === 'x' ? part.x1 : part.y1];
  return edges.slice(1).map((end, i) => (axis === 'x' ? { ...part, x0: edges[i]!, x1: end } : { ...part, y0: edges[i]!, y1: end }));
}
