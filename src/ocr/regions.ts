// Layout before lines: a screen is cut into regions (title bar, side bars, editor groups, tab
// strips, panel, status bar) along the straight borders and background changes that run across
// the whole part being cut, so that text side by side in two panes is never joined. The cuts are
// taken recursively (ATTEMPTS), which also gives the regions' reading order: title bar; activity
// bar, side bar, editor groups left to right (each its tab strip, breadcrumbs, code), panel;
// status bar last. A part with no cut may hold a floating box (overlays.ts): it comes first, and
// the part beneath is cut again with the box hidden.
import type { DecodedImage } from '../image/decode.ts';
import { type Axis, edgeCount, type EdgeSums, edgeSums, samples } from './edges.ts';
import { type Bounds, inside } from './geometry.ts';
import { findOverlay } from './overlays.ts';

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
/** A border hidden under floating boxes along more than half of its length is no border. */
const MIN_SHOWN = 0.5;
/** Pixels around a floating box that belong to it: its border and the step into its shadow. */
const OVERLAY_MARGIN = 3;
/** Nested deeper than a workbench is (window, side bar, group, tab strip, tab), cutting stops. */
const MAX_DEPTH = 8;

/**
 * Full borders across rows (title and status bars, panel), then across columns (side bars, editor
 * groups), then bands (tab strips), each with the share of a box's height that may lie across it.
 * A band's edge may not touch a box at all: the tops of a row of dense text line up as well.
 */
const ATTEMPTS: ReadonlyArray<[Axis, number, number]> = [
  ['y', SPAN, CROSSING],
  ['x', SPAN, CROSSING],
  ['y', SPAN_BAND, 0],
];

/** A region of the screen; `floating` for a box drawn over others (the command palette), which holds the text under its centre. */
export type ScreenRegion = Bounds & { floating?: true };

/**
 * The regions of `area` in reading order. `boxes` are the detected text boxes: no cut goes through
 * one, and they give the text height that tells a highlight frame from a band of its own. The
 * boxes in `lineNumbers` are a gutter's: a gutter is never cut off from its code. A floating box
 * overlaps the regions beneath it and comes before them: a box's region is the first that holds
 * its centre.
 */
export function findRegions(
  image: DecodedImage,
  area: Bounds,
  boxes: readonly Bounds[],
  lineNumbers: ReadonlySet<number>,
): ScreenRegion[] {
  const edges = edgeSums(image);
  const split = (part: Bounds, depth: number, hidden: readonly Bounds[]): ScreenRegion[] => {
    if (depth >= MAX_DEPTH) return [part];
    // Text under a floating box is the box's; the part beneath is cut as if it were not there.
    const ids = boxes.flatMap((b, k) => (hidden.some((h) => inside(b, h)) ? [] : [k]));
    const shown = ids.map((k) => boxes[k]!);
    const numbers = new Set(ids.flatMap((k, i) => (lineNumbers.has(k) ? [i] : [])));
    for (const [axis, span, crossing] of ATTEMPTS) {
      let cuts = dropHighlights(
        borders(edges, part, axis, span, hidden).filter((c) => !crossed(c, axis, part, shown, crossing)),
        axis,
        part,
        shown,
      );
      if (axis === 'x') cuts = keepGutters(cuts, part, shown, numbers);
      if (cuts.length > 0) return slice(part, axis, cuts).flatMap((p) => split(p, depth + 1, hidden));
    }
    const overlay = findOverlay(edges, part, shown, hidden);
    if (!overlay) return [part];
    const margin = {
      x0: overlay.x0 - OVERLAY_MARGIN,
      y0: overlay.y0 - OVERLAY_MARGIN,
      x1: overlay.x1 + OVERLAY_MARGIN,
      y1: overlay.y1 + OVERLAY_MARGIN,
    };
    return [{ ...overlay, floating: true }, ...split(part, depth + 1, [...hidden, margin])];
  };
  return split(area, 0, []);
}

/**
 * Positions where an edge runs along at least `span` of the part: for axis 'x', vertical borders
 * (an x where pixels differ from their left neighbours on most rows); for 'y', horizontal ones.
 * Both edges of a thin line become one cut at its middle. Floating boxes in `hidden` may overlap
 * each other only where that does not matter: the hidden lengths are summed.
 */
function borders(edges: EdgeSums, part: Bounds, axis: Axis, span: number, hidden: readonly Bounds[]): number[] {
  const [lo, hi] = axis === 'x' ? [part.x0, part.x1] : [part.y0, part.y1];
  const [alongLo, alongHi] = axis === 'x' ? [part.y0, part.y1] : [part.x0, part.x1];
  const length = samples(alongLo, alongHi);
  // Where floating boxes hide it, a border is measured along what shows.
  const covers = hidden.map((h): [number, number, number, number] =>
    axis === 'x'
      ? [h.x0, h.x1, Math.max(alongLo, h.y0), Math.min(alongHi, h.y1)]
      : [h.y0, h.y1, Math.max(alongLo, h.x0), Math.min(alongHi, h.x1)],
  );
  const present = (s: number): boolean => {
    let [count, shown] = [edgeCount(edges, axis, s, alongLo, alongHi), length];
    for (const [from, to, a, b] of covers) {
      if (s < from || s >= to || b <= a) continue;
      count -= edgeCount(edges, axis, s, a, b);
      shown -= samples(a, b);
    }
    return shown >= MIN_SHOWN * length && count >= span * shown;
  };
  const cuts: number[] = [];
  let first: number | undefined;
  let last = -Infinity;
  const close = (): void => {
    if (first !== undefined) cuts.push(Math.round((first + last) / 2));
  };
  for (let s = lo + 1; s < hi; s++) {
    if (!present(s)) continue;
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
    const heights = boxes
      .filter((box) => inside(box, part) && (box.y0 + box.y1) / 2 > a && (box.y0 + box.y1) / 2 < b)
      .map((box) => box.y1 - box.y0);
    if (heights.length > 0 && b - a < MIN_BAND * Math.max(...heights)) dropped.add(a).add(b);
  }
  return cuts.filter((c) => !dropped.has(c));
}

/**
 * Drops the cuts right of a part that holds nothing but line numbers (and of the empty strips
 * after it): indent guides run down the code like borders, and the gutter belongs to its code.
 */
function keepGutters(
  cuts: number[],
  part: Bounds,
  boxes: readonly Bounds[],
  lineNumbers: ReadonlySet<number>,
): number[] {
  const kept: number[] = [];
  let gutterOnly = false;
  slice(part, 'x', cuts).forEach((piece, i) => {
    const ids = boxes.flatMap((b, k) => (inside(b, piece) ? [k] : []));
    gutterOnly = ids.length === 0 ? gutterOnly : ids.every((k) => lineNumbers.has(k));
    if (i < cuts.length && !gutterOnly) kept.push(cuts[i]!);
  });
  return kept;
}

function slice(part: Bounds, axis: Axis, cuts: number[]): Bounds[] {
  const edges = [axis === 'x' ? part.x0 : part.y0, ...cuts, axis === 'x' ? part.x1 : part.y1];
  return edges
    .slice(1)
    .map((end, i) => (axis === 'x' ? { ...part, x0: edges[i]!, x1: end } : { ...part, y0: edges[i]!, y1: end }));
}
